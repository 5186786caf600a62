/// A parameter value as the evaluator sees it.
public enum ParameterValue: Sendable, Equatable, Codable {
    case number(Double)
    case choice(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .choice(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let v): try container.encode(v)
        case .choice(let v): try container.encode(v)
        }
    }

    /// The value as text (environment variables, CSV).
    public var text: String {
        switch self {
        case .number(let v): v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        case .choice(let v): v
        }
    }

    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }
}
