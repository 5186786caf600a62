import Benchmarking
import Foundation
import GaussianProcess
import LinearAlgebra
import Memberwise
import Problems
import Sampling

/// The workload of `paretopilot bench gp` and of the GP benchmarks.
@MemberwiseInit
public struct GPBenchmark: Sendable {
    public var count: Int
    public var dimension: Int
    public var predictionCount: Int = 10_000
    public var seed: UInt64 = 0

    /// One measurement.
    public struct Result: Sendable, Encodable {
        public var kernel: String
        public var n: Int
        public var dim: Int
        public var fitSeconds: Double
        public var predictSeconds: Double
        /// (log marginal likelihood + log prior) / n at the optimum.
        public var mll: Double
        /// Objective evaluations on all the data and on the restart subset (not in the JSON).
        public var evaluations: (full: Int, subset: Int) = (0, 0)

        enum CodingKeys: String, CodingKey {
            case kernel, n, dim
            case fitSeconds = "fit_s"
            case predictSeconds = "predict_s"
            case mll
        }

        /// One JSON object on one line, keys in a fixed order.
        public var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }
    }

    /// Fits a GP with `kernel` and predicts; times both with a monotonic clock.
    public func run(kernel: any Kernel) throws -> Result {
        let (inputs, outputs) = SyntheticRegression.sample(count: count, dimension: dimension, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 1)
        let testPoints = SyntheticRegression.uniformPoints(
            count: predictionCount,
            dimension: dimension,
            generator: &generator
        )
        let bounds = InputNormalization(
            lower: .init(repeating: 0, count: dimension),
            upper: .init(repeating: 1, count: dimension)
        )
        let clock = ContinuousClock()
        var fitted: (model: ExactGP, report: GPFitReport)?
        let fitDuration = try clock.measure {
            fitted = try ExactGP.fit(inputs: inputs, outputs: outputs, kernel: kernel, bounds: bounds, seed: seed)
        }
        guard let fitted else { throw GPError(code: .numericalFailure, message: "fit produced no model") }
        var checksum = 0.0
        let predictDuration = clock.measure {
            let (mean, variance) = fitted.model.posterior(at: testPoints)
            checksum = mean[0] + variance[0]
        }
        precondition(checksum.isFinite, "prediction produced a non-finite value")
        return Result(
            kernel: kernel.name,
            n: count,
            dim: dimension,
            fitSeconds: fitDuration.seconds,
            predictSeconds: predictDuration.seconds,
            mll: -fitted.report.negativeLogPosterior / Double(count),
            evaluations: (fitted.report.fullEvaluations, fitted.report.subsetEvaluations)
        )
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
