import ActiveLearning
import Problems

extension LevelSetProblem {
    /// The problem of one test function at its own threshold.
    public init(_ function: ExcursionFunction) {
        self.init(
            lower: function.lower,
            upper: function.upper,
            outputs: [function.name],
            thresholds: [[function.threshold]]
        )
    }
}

extension LevelSetEstimator {
    /// A test function at its own threshold, with its truth for scoring.
    public init(function: ExcursionFunction, batch: Int = 4, initialDesign: Int? = nil) {
        self.init(problem: LevelSetProblem(function), batch: batch, initialDesign: initialDesign)
        truth = [function.evaluate]
    }
}
