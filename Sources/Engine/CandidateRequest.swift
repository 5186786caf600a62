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

    init(runtime: StudyRuntime, count: Int) {
        study = runtime.id
        self.count = count
        optimizer = runtime.optimizer
        observations = runtime.observations
        pending = Array(runtime.open.values)
        trialCount = runtime.trialCount
        seed = Self.seed(runtime.specification.resolvedSeed, trials: runtime.trialCount)
    }

    /// The seed of a suggestion: the study's seed mixed with the number of trials so far.
    static func seed(_ base: UInt64, trials: Int) -> UInt64 { base &+ UInt64(trials) &* 0x9E37_79B9 }

    /// The designs: the optimiser's, or quasi-random ones if the model cannot be fitted (the cause
    /// is returned, so the queue never runs dry and the failure is still visible).
    public func compute() -> CandidateResult {
        do {
            let designs = try optimizer.suggest(count: count, observations: observations, pending: pending, seed: seed)
            return CandidateResult(study: study, designs: designs, fallbackCause: nil)
        } catch {
            let designs = optimizer.sobolDesigns(count: count, skip: trialCount, seed: seed)
            return CandidateResult(study: study, designs: designs, fallbackCause: "\(error)")
        }
    }
}

/// The designs a ``CandidateRequest`` computed.
public struct CandidateResult: Sendable {
    public let study: Int64
    public let designs: [[Double]]
    /// Why the model-based suggestion failed, when quasi-random designs replaced it.
    public let fallbackCause: String?
}
