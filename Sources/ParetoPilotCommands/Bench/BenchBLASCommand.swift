import ArgumentParser
import Foundation
import LinearAlgebra
import Memberwise

/// `paretopilot bench blas`: the machine's BLAS/LAPACK speed on the routines the GP uses.
struct BenchBLASCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas",
        abstract: "Time dgemm, dpotrf, dpotri and dtrsm at order N and print GFLOP/s.",
        discussion: "The reference for the GP benchmarks' efficiency claims (run with OPENBLAS_NUM_THREADS=1)."
    )

    @Option(name: .customLong("n"), help: "Matrix order.")
    var order: Int = 1000

    @Option(name: .customLong("repeat"), help: "Repetitions; the best time is reported.")
    var repetitions: Int = 5

    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        guard order >= 8 else { throw ValidationError("--n must be at least 8, got \(order)") }
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() async throws {
        if !json { print("OpenBLAS core: \(BLASInfo.coreName), threads: \(BLASInfo.threadCount)") }
        for measurement in try BLASBenchmark(order: order, repetitions: repetitions).run() {
            if json {
                print(
                    "{\"routine\":\"\(measurement.routine)\",\"n\":\(order),\"seconds\":\(measurement.seconds),"
                        + "\"gflops\":\(measurement.gigaflops),\"core\":\"\(BLASInfo.coreName)\"}"
                )
            } else {
                print(
                    String(
                        format: "%-8@ n=%d  %.4f s  %.1f GFLOP/s",
                        measurement.routine,
                        order,
                        measurement.seconds,
                        measurement.gigaflops
                    )
                )
            }
        }
    }
}

/// Best-of-k timings of the dense kernels at one order.
@MemberwiseInit
public struct BLASBenchmark: Sendable {
    public var order: Int
    public var repetitions: Int

    public struct Measurement: Sendable {
        public var routine: String
        public var seconds: Double
        public var gigaflops: Double
    }

    public func run() throws -> [Measurement] {
        let n = order
        var a = Matrix(rows: n, columns: n)
        var state: UInt64 = 12345
        for i in a.elements.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            a.elements[i] = Double(state >> 11) * 0x1.0p-53 - 0.5
        }
        let spd = a.gram() + Double(n) * Matrix.identity(n)
        let flops = Double(n) * Double(n) * Double(n)
        func best(_ body: () throws -> Void) rethrows -> Double {
            var fastest = Double.infinity
            let clock = ContinuousClock()
            for _ in 0..<repetitions {
                fastest = min(fastest, try clock.measure(body).seconds)
            }
            return fastest
        }
        var c = Matrix(rows: n, columns: n)
        let gemm = best { Matrix.gemm(a, .none, a, .none, into: &c) }
        var factor = try CholeskyFactor(factoring: spd)
        let potrf = try best { factor = try CholeskyFactor(factoring: spd) }
        let potri = best { _ = factor.inverse() }
        let trsm = best { _ = factor.solvingLower(a) }
        return [
            Measurement(routine: "dgemm", seconds: gemm, gigaflops: 2 * flops / gemm / 1e9),
            Measurement(routine: "dpotrf", seconds: potrf, gigaflops: flops / 3 / potrf / 1e9),
            Measurement(routine: "dpotri", seconds: potri, gigaflops: 2 * flops / 3 / potri / 1e9),
            Measurement(routine: "dtrsm", seconds: trsm, gigaflops: flops / trsm / 1e9),
        ]
    }
}
