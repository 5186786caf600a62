import ArgumentParser
import Foundation
import GaussianProcess
import LinearAlgebra

/// `paretopilot bench gp`: fit a GP to a fixed synthetic function and predict at 10,000 points.
struct BenchGPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gp",
        abstract: "Time a GP fit and a 10,000-point prediction on a fixed synthetic function.",
        discussion: """
            Prints one line per kernel (every registered kernel unless --kernel names one). \
            With --json each line is {"kernel", "n", "dim", "fit_s", "predict_s", "mll"}: wall seconds \
            of the MAP fit and of the posterior mean and variance at 10,000 points, and the log \
            marginal likelihood plus log prior per data point at the optimum (standardised outputs, \
            as BoTorch reports it).
            """
    )

    @Option(name: .customLong("n"), help: "Number of training points.")
    var count: Int = 500

    @Option(name: .customLong("dim"), help: "Input dimension.")
    var dimension: Int = 6

    @Option(help: "Kernel name (\(KernelRegistry.names.joined(separator: ", "))); all when omitted.")
    var kernel: String?

    @Option(help: "Random seed of the data and of the fit.")
    var seed: UInt64 = 0

    @Option(name: .customLong("predict"), help: "Number of prediction points.")
    var predictionCount: Int = 10_000

    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--n must be at least 1, got \(count)") }
        guard dimension >= 1 else { throw ValidationError("--dim must be at least 1, got \(dimension)") }
        guard predictionCount >= 1 else { throw ValidationError("--predict must be at least 1") }
        if let kernel, KernelRegistry.kernel(named: kernel) == nil {
            throw ValidationError(
                "--kernel: unknown kernel '\(kernel)'; known: \(KernelRegistry.names.joined(separator: ", "))"
            )
        }
    }

    func run() async throws {
        let kernels = kernel.flatMap(KernelRegistry.kernel(named:)).map { [$0] } ?? KernelRegistry.all
        if !json {
            print("OpenBLAS core: \(BLASInfo.coreName), threads: \(BLASInfo.threadCount)")
        }
        for kernel in kernels {
            let result = try GPBenchmark(
                count: count,
                dimension: dimension,
                predictionCount: predictionCount,
                seed: seed
            ).run(kernel: kernel)
            if json {
                print(result.jsonLine)
            } else {
                let seconds = String(format: "fit %.4f s, predict %.4f s", result.fitSeconds, result.predictSeconds)
                print(
                    "\(result.kernel)  n=\(result.n) dim=\(result.dim)  \(seconds) (\(predictionCount) points)  "
                        + "evaluations \(result.evaluations.full) full + \(result.evaluations.subset) subset  "
                        + "mll/n \(result.mll)"
                )
            }
        }
    }
}
