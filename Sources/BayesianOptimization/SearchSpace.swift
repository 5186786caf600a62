/// A box of parameters, each continuous, integer (optimised relaxed, then rounded) or categorical
/// (a choice index `0 ..< choices`, with bounds `0 ... choices-1`).
public struct SearchSpace: Sendable, Equatable {
    /// How a coordinate varies.
    public enum Coordinate: Sendable, Equatable {
        /// Any real value in the bounds.
        case continuous
        /// Whole numbers in the bounds.
        case integer
        /// One of `choices` unordered values, held as the index `0 ..< choices`.
        case categorical(choices: Int)

        /// Whether the coordinate takes whole values only (integer or categorical).
        public var isDiscrete: Bool { self != .continuous }
    }

    public var names: [String]
    public var lower: [Double]
    public var upper: [Double]
    public var kinds: [Coordinate]

    /// A search space; throws if a bound is empty or inverted.
    public init(names: [String], lower: [Double], upper: [Double], kinds: [Coordinate]? = nil) throws(OptimizerError) {
        guard names.count == lower.count, lower.count == upper.count else {
            throw OptimizerError("parameters: names and bounds differ in length", field: "parameters")
        }
        for j in names.indices where !(lower[j] < upper[j]) || !lower[j].isFinite || !upper[j].isFinite {
            throw OptimizerError(
                "parameter '\(names[j])': lower bound \(lower[j]) must be finite and below the upper bound \(upper[j])",
                field: names[j]
            )
        }
        let kinds = kinds ?? .init(repeating: .continuous, count: names.count)
        guard kinds.count == names.count else {
            throw OptimizerError("parameters: \(kinds.count) kinds for \(names.count) parameters", field: "parameters")
        }
        for j in names.indices {
            if case .categorical(let choices) = kinds[j], lower[j] != 0 || upper[j] != Double(choices - 1) {
                throw OptimizerError(
                    "parameter '\(names[j])': a categorical of \(choices) choices has bounds 0 ... \(choices - 1), got \(lower[j]) ... \(upper[j])",
                    field: names[j]
                )
            }
        }
        self.names = names
        self.lower = lower
        self.upper = upper
        self.kinds = kinds
    }

    /// The categorical coordinates, for a GP kernel that compares them by overlap.
    public var categoricalCoordinates: [(dimension: Int, choices: Int)] {
        kinds.indices.compactMap { j in
            if case .categorical(let choices) = kinds[j] { return (j, choices) }
            return nil
        }
    }

    public var dimension: Int { lower.count }

    /// Maps a point of the box to the unit cube (the inverse of ``point(fromUnit:)`` up to rounding).
    public func unit(_ x: [Double]) -> [Double] {
        (0..<dimension).map { j in upper[j] > lower[j] ? (x[j] - lower[j]) / (upper[j] - lower[j]) : 0.5 }
    }

    /// Maps a unit-cube point into the box, rounding integer parameters.
    public func point(fromUnit u: [Double]) -> [Double] {
        (0..<dimension).map { j in
            let x = lower[j] + u[j] * (upper[j] - lower[j])
            return kinds[j].isDiscrete ? min(max(x.rounded(), lower[j].rounded(.up)), upper[j].rounded(.down)) : x
        }
    }

    /// Rounds integer parameters and clamps every coordinate into the box.
    public func snapped(_ x: [Double]) -> [Double] {
        (0..<dimension).map { j in
            let clamped = min(max(x[j], lower[j]), upper[j])
            return kinds[j].isDiscrete
                ? min(max(clamped.rounded(), lower[j].rounded(.up)), upper[j].rounded(.down)) : clamped
        }
    }

    /// Checks that `x` lies in the box and integers are whole; returns a message naming the parameter otherwise.
    public func violation(of x: [Double]) -> String? {
        guard x.count == dimension else { return "expected \(dimension) parameters, got \(x.count)" }
        for j in 0..<dimension {
            if !x[j].isFinite { return "parameter '\(names[j])' is \(x[j])" }
            if x[j] < lower[j] || x[j] > upper[j] {
                return "parameter '\(names[j])' = \(x[j]) is outside [\(lower[j]), \(upper[j])]"
            }
            if kinds[j].isDiscrete && x[j] != x[j].rounded() {
                return "parameter '\(names[j])' = \(x[j]) is not a whole number"
            }
        }
        return nil
    }
}

/// An error of the optimiser: bad settings or data, named by field.
public struct OptimizerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { message }
}
