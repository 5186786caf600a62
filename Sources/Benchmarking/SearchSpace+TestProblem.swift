import BayesianOptimization
import Problems

extension SearchSpace {
    /// The search space of a test problem.
    public init(problem: some TestProblem) {
        // A test problem's bounds are finite and ordered, so the checked initialiser cannot fail.
        try! self.init(
            names: problem.parameterNames,
            lower: problem.lowerBounds,
            upper: problem.upperBounds,
            kinds: problem.parameterKinds.map { kind in
                switch kind {
                case .continuous: .continuous
                case .integer: .integer
                case .categorical(let choices): .categorical(choices: choices)
                }
            }
        )
    }
}

extension BayesianOptimizer {
    /// An optimiser for a test problem: its search space, objectives, constraints and reference point.
    public init(problem: some TestProblem) {
        self.init(
            space: SearchSpace(problem: problem),
            objectiveCount: problem.objectiveCount,
            constraintCount: problem.constraintCount,
            referencePoint: problem.referencePoint
        )
    }
}
