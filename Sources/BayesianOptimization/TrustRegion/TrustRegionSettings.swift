/// Settings of trust-region multi-objective search (``AcquisitionChoice/trustRegion``), in the
/// spirit of MORBO (Daulton et al. 2022): several local regions centred on front points with large
/// hypervolume contributions, a local GP per region, candidates that perturb a few coordinates of
/// front points, and batches chosen greedily by hypervolume improvement under Thompson samples.
///
/// Lengths are edge lengths of hypercubes in the unit cube of the search space.
public struct TrustRegionSettings: Sendable, Equatable {
    /// Number of regions; nil: one per 8 designs of a batch, between 1 and 5.
    public var regionCount: Int?
    /// Edge length of a new region (the greedy acquisitions' boxes scale it down from 10
    /// parameters on: `BayesianOptimizer.acquisitionRegionSettings`).
    public var initialLength = 0.8
    /// A region whose edge falls below this restarts (its centre becomes tabu).
    public var minimumLength = 0.01
    /// Edge length a region may grow to.
    public var maximumLength = 1.6
    /// Successive successful batches that double a region's edge.
    public var successTolerance = 3
    /// Failed evaluations that halve a region's edge; nil: `max(d / 3, 10)` (MORBO's) for the
    /// trust-region batches, `max(d, 10)` for the greedy acquisitions' boxes
    /// (`BayesianOptimizer.acquisitionRegionSettings`).
    public var failureTolerance: Int?
    /// A local model sees the points within twice the region, at least this many (the nearest).
    public var minimumLocalPoints = 200
    /// And at most this many (the nearest to the centre).
    public var maximumLocalPoints = 400
    /// Discrete candidates per region and ask.
    public var candidatesPerRegion = 4096
    /// More candidates per region and ask that recombine front points (uniform crossover of a
    /// front point in the region with any other, clamped into the box); 0: none.
    public var recombinations = 1024
    /// Random Fourier features of each Thompson sample path.
    public var features = 1024
    /// Steps of each batch slot's projected gradient descent on a scalarisation of the posterior
    /// means, whose end joins the candidates (``BayesianOptimizer`` `descendedDesigns`); 0: the
    /// candidates are the perturbations only.
    public var descentSteps = 30
    /// Quasi-Newton restarts of each local GP fit.
    public var fitRestarts = 3
    /// Chunk of observations that counts as one batch when the regions' history is replayed; nil:
    /// the size of the current ask.
    public var historyBatch: Int?

    public init() {}

    /// The failure tolerance for `dimension` inputs.
    func failureTolerance(dimension: Int) -> Int { failureTolerance ?? max(dimension / 3, 10) }

    /// The number of regions for a batch of `count` designs.
    func regions(forBatch count: Int) -> Int { regionCount ?? min(5, max(1, count / 8)) }
}
