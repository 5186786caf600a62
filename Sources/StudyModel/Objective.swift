import Memberwise

extension StudySpecification {
    /// An objective: a named output to minimise or maximise.
    @MemberwiseInit
    public struct Objective: Codable, Sendable, Equatable {
        /// Whether an objective is minimised or maximised.
        public enum Direction: String, NamedCases {
            case minimize, maximize

            /// A value in the optimiser's frame, where everything is minimised.
            public func minimized(_ value: Double) -> Double { self == .maximize ? -value : value }

            /// Parses `min`, `minimize`, `max`, `maximize` (CLI shorthand).
            public init(shorthand text: String, field: String) throws(StudyError) {
                switch text.lowercased() {
                case "min", "minimize", "minimise": self = .minimize
                case "max", "maximize", "maximise": self = .maximize
                default: throw StudyError("\(field): the direction must be min or max, got '\(text)'", field: field)
                }
            }
        }

        public var name: String
        public var direction: Direction = .minimize
        /// Reference value for hypervolume, in the objective's own direction.
        public var reference: Double?

        enum CodingKeys: String, CodingKey, CaseIterable { case name, direction, reference }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            direction = try container.decodeIfPresent(Direction.self, forKey: .direction) ?? .minimize
            reference = try container.decodeIfPresent(Double.self, forKey: .reference)
        }

        /// Whether the objective is maximised.
        public var maximized: Bool { direction == .maximize }
    }
}
