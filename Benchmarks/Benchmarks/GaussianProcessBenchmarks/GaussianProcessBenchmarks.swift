// Cholesky and GP benchmarks: every registered kernel is measured.
//
// Run from Benchmarks/ with OPENBLAS_NUM_THREADS=1 (single-thread claims) and the machine's
// OPENBLAS_CORETYPE left as it is:
//   swift package benchmark --target GaussianProcessBenchmarks

import Benchmark
import GaussianProcess
import LinearAlgebra
import Benchmarking
import Sampling

let benchmarks: @Sendable () -> Void = {
    print("OpenBLAS core: \(BLASInfo.coreName), threads: \(BLASInfo.threadCount)")
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 20
    )
    let dimension = 6

    for n in [100, 500, 1000] {
        let (inputs, _) = SyntheticRegression.sample(count: n, dimension: dimension, seed: 0)
        let covariance = inputs.gram() + Double(n) * Matrix.identity(n)
        Benchmark("Cholesky n=\(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try CholeskyFactor(factoring: covariance))
            }
        }
    }

    for kernel in KernelRegistry.all {
        for n in [100, 500, 1000] {
            let (inputs, outputs) = SyntheticRegression.sample(count: n, dimension: dimension, seed: 0)
            let bounds = InputNormalization.identity(dimension: dimension)
            Benchmark("GP fit \(kernel.name) n=\(n) d=\(dimension)") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(try ExactGP.fit(inputs: inputs, outputs: outputs, kernel: kernel, bounds: bounds))
                }
            }
        }

        let (inputs, outputs) = SyntheticRegression.sample(count: 1000, dimension: dimension, seed: 0)
        var generator = SeededGenerator(seed: 1)
        let testPoints = SyntheticRegression.uniformPoints(count: 10_000, dimension: dimension, generator: &generator)
        Benchmark("GP posterior \(kernel.name) n=1000 m=10000") { benchmark in
            let model = try ExactGP.fit(
                inputs: inputs,
                outputs: outputs,
                kernel: kernel,
                bounds: .identity(dimension: dimension)
            ).model
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(model.posterior(at: testPoints))
            }
        }
    }
}
