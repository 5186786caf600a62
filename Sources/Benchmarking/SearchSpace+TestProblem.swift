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
