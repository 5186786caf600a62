import Dispatch
import LinearAlgebra
import Memberwise

/// Independent GPs, one per output (BoTorch's `ModelListGP`), fitted together.
///
/// The outputs are fitted concurrently; each uses its own seed derived from the caller's, so the
/// result does not depend on scheduling.
@MemberwiseInit
public struct MultiOutputGP: Sendable {
    /// One model per output column.
    public let models: [ExactGP]

    /// Number of outputs.
    public var outputCount: Int { models.count }

    /// Fits one GP per column of `outputs`.
    ///
    /// - Parameters:
    ///   - inputs: `n x d`, user units.
    ///   - outputs: `n x M`, one column per output.
    ///   - noise: per output, or one specification for all (default inferred).
    ///   - Other parameters as in ``ExactGP/fit(inputs:outputs:kernel:noise:bounds:options:seed:)``.
    public static func fit(
        inputs: Matrix,
        outputs: Matrix,
        kernel: any Kernel = Matern52Kernel(),
        noise: [NoiseSpecification]? = nil,
        bounds: InputNormalization? = nil,
        options: GPFitOptions = GPFitOptions(),
        seed: UInt64 = 0
    ) throws(GPError) -> MultiOutputGP {
        let m = outputs.columns
        guard outputs.rows == inputs.rows else {
            throw .invalid("outputs", "got \(outputs.rows) output rows for \(inputs.rows) input points")
        }
        if let noise, noise.count != m {
            throw .invalid("noise", "expected \(m) noise specifications, got \(noise.count)")
        }
        let outcomes = OutputParallelism.map(m, concurrently: true) { index -> Result<ExactGP, GPError> in
            do throws(GPError) {
                return .success(
                    try ExactGP.fit(
                        inputs: inputs,
                        outputs: outputs.column(index),
                        kernel: kernel,
                        noise: noise?[index] ?? .inferred,
                        bounds: bounds,
                        options: options,
                        seed: seed &+ UInt64(index) &* 0x9E37_79B9
                    ).model
                )
            } catch {
                return .failure(error)
            }
        }
        var models: [ExactGP] = []
        for outcome in outcomes {
            switch outcome {
            case .success(let model): models.append(model)
            case .failure(let error): throw error
            }
        }
        return MultiOutputGP(models: models)
    }

    /// Posterior means and variances of every output at the rows of `points` (`m x M` each).
    public func posterior(at points: Matrix) -> (mean: Matrix, variance: Matrix) {
        var mean = Matrix(rows: points.rows, columns: outputCount)
        var variance = Matrix(rows: points.rows, columns: outputCount)
        for (j, model) in models.enumerated() {
            let (mu, v) = model.posterior(at: points)
            for i in 0..<points.rows {
                mean[i, j] = mu[i]
                variance[i, j] = v[i]
            }
        }
        return (mean, variance)
    }
}
