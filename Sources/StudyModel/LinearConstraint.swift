import Foundation
import Memberwise

/// A linear constraint between parameters, `Σ a_j x_j <= b`, over the optimiser's coordinates.
@MemberwiseInit
public struct LinearConstraint: Sendable, Equatable {
    /// One coefficient per parameter, in the study's order.
    public var coefficients: [Double]
    public var bound: Double

    /// Parses `"a*x + b*y <= c"` or `">= c"`; `parameters` name the variables, which must be
    /// linear-scale floats or integers.
    public init(parsing text: String, parameters: [StudySpecification.Parameter]) throws(StudyError) {
        let field = "parameter_constraints"
        let isUpper = text.contains("<=")
        guard isUpper || text.contains(">=") else {
            throw StudyError("parameter constraint '\(text)': expected 'a*x + b*y <= c' or '>= c'", field: field)
        }
        let sides = text.components(separatedBy: isUpper ? "<=" : ">=")
        guard sides.count == 2, let right = Double(sides[1].trimmingCharacters(in: .whitespaces)) else {
            throw StudyError("parameter constraint '\(text)': the right-hand side must be a number", field: field)
        }
        var coefficients = [Double](repeating: 0, count: parameters.count)
        var bound = right
        let expression = sides[0].replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "+-")
        for term in expression.split(separator: "+").map(String.init) where !term.isEmpty {
            var coefficient = 1.0
            var name = term
            if let star = term.firstIndex(of: "*") {
                guard let value = Double(term[..<star]) else {
                    throw StudyError("parameter constraint '\(text)': '\(term)' is not NUMBER*NAME", field: field)
                }
                coefficient = value
                name = String(term[term.index(after: star)...])
            } else if term.hasPrefix("-") {
                coefficient = -1
                name = String(term.dropFirst())
            }
            if let constant = Double(name) {
                bound -= coefficient * constant
                continue
            }
            guard let index = parameters.firstIndex(where: { $0.name == name }) else {
                throw StudyError("parameter constraint '\(text)': no parameter named '\(name)'", field: field)
            }
            guard parameters[index].type != .categorical, !parameters[index].isLog else {
                throw StudyError(
                    "parameter constraint '\(text)': '\(name)' is categorical or log-scale; linear constraints take linear parameters",
                    field: field
                )
            }
            coefficients[index] += coefficient
        }
        self.coefficients = isUpper ? coefficients : coefficients.map { -$0 }
        self.bound = isUpper ? bound : -bound
    }

    /// Whether `x` satisfies the constraint.
    public func isSatisfied(by x: [Double]) -> Bool {
        zip(coefficients, x).reduce(0) { $0 + $1.0 * $1.1 } <= bound
    }
}
