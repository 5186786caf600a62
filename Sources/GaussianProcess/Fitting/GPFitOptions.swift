import LinearAlgebra
import Optimization

/// How the noise of the observations is modelled.
public enum NoiseSpecification: Sendable, Equatable {
    /// One noise variance shared by all points, learned with the other hyperparameters.
    case inferred
    /// Known noise variance per point, in the user's output units (squared).
    case fixed([Double])
}

/// Settings of the MAP fit of GP hyperparameters.
public struct GPFitOptions: Sendable {
    /// Number of starting points of the optimiser (the prior mode, then draws from the priors).
    public var restarts: Int = 3
    /// Above this many points, the restarts run on a random subset of ``subsetSize`` points and only
    /// the best is polished on all the data (warm-started with the subset's curvature pairs).
    public var subsetThreshold: Int = 300
    /// Size of that subset.
    public var subsetSize: Int = 200
    /// Ratio between the sizes of successive nested subsets on the way to all the data.
    public var subsetGrowth: Double = 2.5
    /// The quasi-Newton settings.
    public var optimizer = BoundedLBFGS(maxIterations: 200, maxEvaluations: 300, functionTolerance: 1e-9)
    /// Settings of the final polish on all the data when a subset was used.
    public var polish = BoundedLBFGS(maxIterations: 60, maxEvaluations: 80, functionTolerance: 1e-6)
    /// Priors; nil means BoTorch's for the data's dimension.
    public var priors: GPPriors? = nil
    /// Lengthscale bounds (unit-cube units).
    public var lengthscaleBounds: ClosedRange<Double> = 0.005...100
    /// Output-scale bounds (standardised units).
    public var outputscaleBounds: ClosedRange<Double> = 0.01...100
    /// Inferred-noise bounds (standardised units); the lower bound is BoTorch's 1e-6.
    public var noiseBounds: ClosedRange<Double> = 1e-6...10
    /// Jitter policy of every factorisation.
    public var jitter: JitterPolicy = .default
    /// Standardise the outputs before fitting (as BoTorch's `Standardize`).
    public var standardizeOutputs = true
    /// The prior mean the standardised outputs are centred on (with ``standardizeOutputs``).
    public var priorMean: PriorMean = .observedMean
    /// Inputs compared by overlap rather than by distance (``CategoricalInputs``).
    public var categorical: CategoricalInputs = .none

    public init() {}
}

/// What a fit did, for logs and benchmarks.
public struct GPFitReport: Sendable {
    /// Negative log posterior at the optimum (model units, all data).
    public var negativeLogPosterior: Double
    /// Log marginal likelihood at the optimum (model units, all data).
    public var logMarginalLikelihood: Double
    /// Objective evaluations on all the data.
    public var fullEvaluations: Int
    /// Objective evaluations on the subset.
    public var subsetEvaluations: Int
    /// Whether a subset was used for the restarts.
    public var usedSubset: Bool
}
