/// How a parameter of a problem varies.
public enum ParameterKind: Sendable, Equatable {
    /// Any real value in the bounds.
    case continuous
    /// Whole numbers in the bounds.
    case integer
    /// One of `choices` unordered values, as the index `0 ..< choices` (bounds `0 ... choices-1`).
    case categorical(choices: Int)
}

/// A multi-objective test problem: bounded inputs, objectives all minimised, optional constraints.
///
/// Test problems carry their published reference point and, where known, the maximum hypervolume
/// (the hypervolume of the true Pareto front), so a run's quality is `log10(max_hv - hv)`.
public protocol TestProblem: Sendable {
    /// Lower-case name used by the CLI and the benchmarks (`branincurrin`, `dtlz2`, ...).
    var name: String { get }
    /// Number of inputs.
    var dimension: Int { get }
    /// One name per objective.
    var objectiveNames: [String] { get }
    /// Lower bound per input.
    var lowerBounds: [Double] { get }
    /// Upper bound per input.
    var upperBounds: [Double] { get }
    /// Kind per input (continuous unless stated).
    var parameterKinds: [ParameterKind] { get }
    /// One name per input.
    var parameterNames: [String] { get }
    /// The reference point for hypervolume (minimisation).
    var referencePoint: [Double] { get }
    /// The hypervolume of the true Pareto front relative to ``referencePoint``, if known.
    var maximumHypervolume: Double? { get }
    /// Number of outcome constraints.
    var constraintCount: Int { get }
    /// Whether repeated evaluations at one point give the same values (true for every built-in problem).
    var isDeterministic: Bool { get }
    /// The objective values at `x` (all minimised).
    func evaluate(_ x: [Double]) -> [Double]
    /// The constraint values at `x`; the point is feasible when every value is `<= 0`.
    func constraints(_ x: [Double]) -> [Double]
}

extension TestProblem {
    /// Number of objectives.
    public var objectiveCount: Int { objectiveNames.count }
    public var parameterKinds: [ParameterKind] { .init(repeating: .continuous, count: dimension) }
    public var parameterNames: [String] { (0..<dimension).map { "x\($0)" } }
    public var constraintCount: Int { 0 }
    public var isDeterministic: Bool { true }
    public func constraints(_ x: [Double]) -> [Double] { [] }

    /// Whether `x` satisfies every constraint.
    public func isFeasible(_ x: [Double]) -> Bool { constraints(x).allSatisfy { $0 <= 0 } }
}
