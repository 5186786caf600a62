/// The state of a trial: `pending -> running -> completed | failed`, never backwards.
public enum TrialState: String, Sendable, Codable, CaseIterable {
    case pending, running, completed, failed

    /// Whether `next` may follow this state.
    public func canMove(to next: TrialState) -> Bool {
        switch (self, next) {
        case (.pending, .running), (.running, .completed), (.running, .failed), (.pending, .failed): true
        default: false
        }
    }

    /// Whether the trial has its final state.
    public var isFinished: Bool { self == .completed || self == .failed }
}
