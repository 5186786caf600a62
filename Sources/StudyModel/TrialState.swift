/// The state of a trial: `pending -> running -> completed | failed | infeasible`, never backwards.
///
/// `infeasible` is a trial whose workflow step declared the design infeasible (an unknown
/// constraint, such as a geometry overlap): a result the optimiser learns from, not a failure.
public enum TrialState: String, NamedCases {
    case pending, running, completed, failed, infeasible

    /// Whether `next` may follow this state.
    public func canMove(to next: TrialState) -> Bool {
        switch (self, next) {
        case (.pending, .running), (.running, .completed), (.running, .failed), (.pending, .failed),
            (.running, .infeasible):
            true
        default: false
        }
    }

    /// Whether the trial has its final state.
    public var isFinished: Bool { self == .completed || self == .failed || self == .infeasible }
}
