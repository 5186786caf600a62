import Foundation
import Memberwise

extension StudySpecification {
    /// A parameter of the design: a name and the values it takes.
    ///
    /// In JSON: `{"name", "type": "float"|"int"|"categorical", "lower", "upper", "scale": "linear"|"log",
    /// "choices"}`; parsed into a ``Domain`` so that no code reads optional bounds.
    @MemberwiseInit
    public struct Parameter: Codable, Sendable, Equatable {
        /// The JSON `type`.
        public enum Kind: String, NamedCases {
            case float, int, categorical
        }

        /// How a float is searched.
        public enum Scale: String, NamedCases {
            case linear, log
        }

        /// The values a parameter takes.
        public enum Domain: Sendable, Equatable {
            case real(lower: Double, upper: Double, scale: Scale)
            case integer(lower: Double, upper: Double)
            case categorical([String])
        }

        public var name: String
        public var domain: Domain

        /// A float in `[lower, upper]`.
        public static func float(_ name: String, _ lower: Double, _ upper: Double, scale: Scale = .linear) -> Self {
            Self(name: name, domain: .real(lower: lower, upper: upper, scale: scale))
        }

        /// An integer in `[lower, upper]`.
        public static func int(_ name: String, _ lower: Double, _ upper: Double) -> Self {
            Self(name: name, domain: .integer(lower: lower, upper: upper))
        }

        /// One of `choices`.
        public static func categorical(_ name: String, _ choices: [String]) -> Self {
            Self(name: name, domain: .categorical(choices))
        }

        public var type: Kind {
            switch domain {
            case .real: .float
            case .integer: .int
            case .categorical: .categorical
            }
        }

        /// The bounds of a float or integer parameter.
        public var bounds: (lower: Double, upper: Double)? {
            switch domain {
            case .real(let lower, let upper, _), .integer(let lower, let upper): (lower, upper)
            case .categorical: nil
            }
        }

        public var lower: Double? { bounds?.lower }
        public var upper: Double? { bounds?.upper }

        public var choices: [String]? {
            if case .categorical(let choices) = domain { return choices }
            return nil
        }

        public var isLog: Bool {
            if case .real(_, _, .log) = domain { return true }
            return false
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case name, type, lower, upper, scale, choices }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            let kind = try container.decode(Kind.self, forKey: .type)
            switch kind {
            case .float, .int:
                guard let lower = try container.decodeIfPresent(Double.self, forKey: .lower),
                    let upper = try container.decodeIfPresent(Double.self, forKey: .upper)
                else {
                    throw StudyError("parameter '\(name)': lower and upper bounds are required", field: name)
                }
                if kind == .float {
                    let scale = try container.decodeIfPresent(Scale.self, forKey: .scale) ?? .linear
                    domain = .real(lower: lower, upper: upper, scale: scale)
                } else {
                    domain = .integer(lower: lower, upper: upper)
                }
            case .categorical:
                guard let choices = try container.decodeIfPresent([String].self, forKey: .choices) else {
                    throw StudyError("parameter '\(name)': a categorical parameter needs its choices", field: name)
                }
                domain = .categorical(choices)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(type, forKey: .type)
            switch domain {
            case .real(let lower, let upper, let scale):
                try container.encode(lower, forKey: .lower)
                try container.encode(upper, forKey: .upper)
                if scale == .log { try container.encode(scale, forKey: .scale) }
            case .integer(let lower, let upper):
                try container.encode(lower, forKey: .lower)
                try container.encode(upper, forKey: .upper)
            case .categorical(let choices):
                try container.encode(choices, forKey: .choices)
            }
        }
    }
}

extension StudySpecification.Parameter.Domain {
    /// Checks the bounds or choices of the parameter `name`.
    func validate(name: String) throws(StudyError) {
        switch self {
        case .real(let lower, let upper, _), .integer(let lower, let upper):
            guard lower.isFinite, upper.isFinite else {
                throw StudyError("parameter '\(name)': the bounds must be finite numbers", field: name)
            }
            guard lower < upper else {
                throw StudyError(
                    "parameter '\(name)': lower bound \(lower) is not below upper bound \(upper)",
                    field: name
                )
            }
            if case .real(_, _, .log) = self, lower <= 0 {
                throw StudyError("parameter '\(name)': a log-scale parameter needs a positive lower bound", field: name)
            }
            if case .integer = self, upper.rounded(.down) < lower.rounded(.up) {
                throw StudyError("parameter '\(name)': no integer lies in [\(lower), \(upper)]", field: name)
            }
        case .categorical(let choices):
            guard choices.count >= 2, Set(choices).count == choices.count else {
                throw StudyError(
                    "parameter '\(name)': a categorical parameter needs at least two distinct choices",
                    field: name
                )
            }
        }
    }

    /// The optimiser's coordinate of a user-facing value: the log of a log-scale float, a choice's index.
    func encode(_ value: ParameterValue, field: String) throws(StudyError) -> Double {
        switch (self, value) {
        case (.real(let lower, let upper, let scale), .number(let v)):
            try Self.check(v, lower, upper, field: field)
            return scale == .log ? log(v) : v
        case (.integer(let lower, let upper), .number(let v)):
            try Self.check(v, lower, upper, field: field)
            guard v == v.rounded() else { throw StudyError("\(field): \(v) is not an integer", field: field) }
            return v
        case (.categorical(let choices), .choice(let c)):
            guard let index = choices.firstIndex(of: c) else {
                throw StudyError("\(field): '\(c)' is not one of \(choices.joined(separator: ", "))", field: field)
            }
            return Double(index)
        case (.categorical, .number):
            throw StudyError("\(field): expected one of the choices as a string", field: field)
        case (_, .choice):
            throw StudyError("\(field): expected a number", field: field)
        }
    }

    private static func check(_ v: Double, _ lower: Double, _ upper: Double, field: String) throws(StudyError) {
        guard v.isFinite else { throw StudyError("\(field): \(v) is not finite", field: field) }
        guard v >= lower && v <= upper else {
            throw StudyError("\(field): \(v) is outside [\(lower), \(upper)]", field: field)
        }
    }

    /// The user-facing value of an optimiser's coordinate.
    func decode(_ x: Double) -> ParameterValue {
        switch self {
        case .real(_, _, let scale): .number(scale == .log ? exp(x) : x)
        case .integer: .number(x.rounded())
        case .categorical(let choices): .choice(choices[min(max(Int(x.rounded()), 0), choices.count - 1)])
        }
    }

    /// The optimiser's bounds of this coordinate (log space for log scale; indices for choices).
    public var searchBounds: (lower: Double, upper: Double) {
        switch self {
        case .real(let lower, let upper, let scale): scale == .log ? (log(lower), log(upper)) : (lower, upper)
        case .integer(let lower, let upper): (lower.rounded(.up), max(upper.rounded(.down), lower.rounded(.up) + 1e-9))
        case .categorical(let choices): (0, Double(choices.count - 1))
        }
    }
}
