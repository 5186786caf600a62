import Foundation
import Memberwise

/// An outcome constraint `output <= bound` or `output >= bound`.
@MemberwiseInit
public struct OutcomeConstraint: Sendable, Equatable {
    public var output: String
    public var isUpperBound: Bool
    public var bound: Double

    /// Parses `"name <= value"` or `"name >= value"`.
    public init(parsing text: String) throws(StudyError) {
        let isUpper = text.contains("<=")
        guard isUpper || text.contains(">=") else {
            throw StudyError(
                "constraint '\(text)': expected 'output <= value' or 'output >= value'",
                field: "constraints"
            )
        }
        let parts = text.components(separatedBy: isUpper ? "<=" : ">=").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, let bound = Double(parts[1]), bound.isFinite else {
            throw StudyError(
                "constraint '\(text)': expected 'output <= value' with a finite number",
                field: "constraints"
            )
        }
        output = parts[0]
        isUpperBound = isUpper
        self.bound = bound
    }

    /// The constraint value in the optimiser's convention (feasible when `<= 0`).
    public func value(_ outputs: [String: Double]) -> Double? {
        guard let v = outputs[output], v.isFinite else { return nil }
        return isUpperBound ? v - bound : bound - v
    }
}
