import BayesianOptimization
import Foundation

/// Everything needed to compute a study's next designs away from the engine: a snapshot of the
/// optimiser, the observations, the pending designs and the seed. Sendable, so a driver can compute
/// it on a thread of its own while the engine goes on recording results.
public struct CandidateRequest: Sendable {
    public let study: Int64
    public let count: Int
    let optimizer: BayesianOptimizer
    let observations: Observations
    let pending: [[Double]]
    /// Trials created so far: the Sobol skip of a fallback design and the seed's offset.
    let trialCount: Int
    let seed: UInt64
    /// The hyperparameters of the last fit and how many observations it saw.
    let cached: (values: [OutputHyperparameters], observations: Int)?
    let mayRefit: Bool

    init(runtime: StudyRuntime, count: Int, mayRefit: Bool = true) {
        study = runtime.id
        self.count = count
        optimizer = runtime.optimizer
        observations = runtime.observations
        pending = Array(runtime.open.values)
        trialCount = runtime.trialCount
        seed = Self.seed(runtime.specification.resolvedSeed, trials: runtime.trialCount)
        cached = runtime.hyperparameters
        self.mayRefit = mayRefit
    }

    /// Observations up to which the hyperparameters are always refitted: small data move them most,
    /// and their fits are cheap.
    public static let alwaysRefitBelow = 100
    /// Past that, they are refitted once the data have grown by this factor since the last fit
    /// (so the fits cost a geometric series: a constant times the last one).
    public static let refitGrowth = 1.2

    /// Observations the designs are computed from.
    public var observationCount: Int { observations.count }

    /// Whether the global model's hyperparameters should be fitted anew for this request.
    public var refitDue: Bool { Self.refitDue(cached: cached?.observations, now: observations.count) }

    /// The refit schedule: always below ``alwaysRefitBelow`` observations, then whenever the data
    /// have grown by ``refitGrowth`` since the fit in use.
    public static func refitDue(cached: Int?, now: Int) -> Bool {
        guard let cached else { return true }
        return now < alwaysRefitBelow || Double(now) >= refitGrowth * Double(cached)
    }

    /// Whether this study's suggestions come from the global GP models (whose hyperparameters are kept).
    var usesGlobalModel: Bool { optimizer.keepsGlobalModels }

    /// The seed of a suggestion: the study's seed mixed with the number of trials so far.
    static func seed(_ base: UInt64, trials: Int) -> UInt64 { base &+ UInt64(trials) &* 0x9E37_79B9 }

    /// The designs: the optimiser's, or quasi-random ones if the model cannot be fitted (the cause
    /// is returned, so the queue never runs dry and the failure is still visible).
    public func compute() -> CandidateResult {
        do {
            var optimizer = self.optimizer
            var fitted: (values: [OutputHyperparameters], observations: Int)? = nil
            if usesGlobalModel, observations.count >= optimizer.initialDesignCount {
                if refitDue && (mayRefit || cached == nil) {
                    let values = try optimizer.fittedHyperparameters(observations: observations, seed: seed)
                    fitted = (values, observations.count)
                    optimizer.reusedHyperparameters = values
                } else {
                    optimizer.reusedHyperparameters = cached?.values
                }
            }
            let designs = try optimizer.suggest(count: count, observations: observations, pending: pending, seed: seed)
            return CandidateResult(study: study, designs: designs, fallbackCause: nil, hyperparameters: fitted)
        } catch {
            let designs = optimizer.sobolDesigns(count: count, skip: trialCount, seed: seed)
            return CandidateResult(study: study, designs: designs, fallbackCause: "\(error)", hyperparameters: nil)
        }
    }

    /// Fits the hyperparameters alone (a background refit after a client's ask used older ones).
    public func refit() -> (values: [OutputHyperparameters], observations: Int)? {
        // Nobody waits for a background refit: its outputs are fitted one after another on one
        // thread, so the generations that pilots wait for keep the other cores.
        var sequential = optimizer
        sequential.parallelOutputFits = false
        guard usesGlobalModel, observations.count >= optimizer.initialDesignCount,
            let values = try? sequential.fittedHyperparameters(observations: observations, seed: seed)
        else { return nil }
        return (values, observations.count)
    }
}

/// The designs a ``CandidateRequest`` computed.
public struct CandidateResult: Sendable {
    public let study: Int64
    public let designs: [[Double]]
    /// Why the model-based suggestion failed, when quasi-random designs replaced it.
    public let fallbackCause: String?
    /// Hyperparameters fitted for this result, to keep for later suggestions.
    public let hyperparameters: (values: [OutputHyperparameters], observations: Int)?
}
