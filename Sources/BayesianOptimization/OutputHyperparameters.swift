import GaussianProcess
import LinearAlgebra
import Memberwise

/// The fitted hyperparameters of one output's GP, kept between suggestions so that a new result
/// is folded in by conditioning (one factorisation) rather than by a new fit.
///
/// Lengthscales are in unit-cube units and the output scale and noise in standardised units, so
/// they stay meaningful as data arrive: the outputs are standardised afresh each time.
@MemberwiseInit
public struct OutputHyperparameters: Sendable, Equatable {
    public var lengthscales: [Double]
    public var outputscale: Double
    /// The inferred noise variance (standardised units), or nil when the noise was fixed per point.
    public var noiseVariance: Double?

    /// The hyperparameters of a fitted model.
    public init(_ model: ExactGP) {
        lengthscales = model.kernelHyperparameters.lengthscales
        outputscale = model.kernelHyperparameters.outputscale
        noiseVariance = model.noiseVariances.count == 1 ? model.noiseVariances[0] : nil
    }

    /// The GP on `inputs` and `outputs` under these hyperparameters (outputs standardised anew,
    /// around `priorMean`, which must be the fit's for the model to be the fitted one).
    ///
    /// - Complexity: `O(n³ / 3)` for the Cholesky factor, `O(n² d)` for the covariance.
    func model(
        kernel: any Kernel,
        inputs: Matrix,
        outputs: [Double],
        bounds: InputNormalization,
        jitter: JitterPolicy,
        priorMean: PriorMean,
        categorical: CategoricalInputs = .none
    ) throws(GPError) -> ExactGP {
        try ExactGP(
            kernel: kernel,
            hyperparameters: KernelHyperparameters(lengthscales: lengthscales, outputscale: outputscale),
            noiseVariances: [noiseVariance ?? 1e-6],
            inputs: inputs,
            outputs: outputs,
            inputTransform: bounds,
            outcomeTransform: .fitted(to: outputs, priorMean: priorMean),
            jitter: jitter,
            categorical: categorical
        )
    }
}
