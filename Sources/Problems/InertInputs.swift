/// A test problem with `count` further inputs in `[0, 1]` that its objectives ignore: the classic
/// check of models that should find the few inputs that matter (SAASBO's Branin in 100 dimensions).
///
/// The base problem's inputs come first; the maximum hypervolume and reference point are the base's.
public struct InertInputs: TestProblem {
    public let base: any TestProblem
    /// Number of inputs the objectives ignore.
    public let count: Int

    public init(_ base: any TestProblem, count: Int) {
        self.base = base
        self.count = max(0, count)
    }

    public var name: String { "\(base.name)+\(count)inert" }
    public var dimension: Int { base.dimension + count }
    public var objectiveNames: [String] { base.objectiveNames }
    public var lowerBounds: [Double] { base.lowerBounds + [Double](repeating: 0, count: count) }
    public var upperBounds: [Double] { base.upperBounds + [Double](repeating: 1, count: count) }
    public var parameterKinds: [ParameterKind] {
        base.parameterKinds + [ParameterKind](repeating: .continuous, count: count)
    }
    public var parameterNames: [String] { base.parameterNames + (0..<count).map { "inert\($0)" } }
    public var referencePoint: [Double] { base.referencePoint }
    public var maximumHypervolume: Double? { base.maximumHypervolume }
    public var constraintCount: Int { base.constraintCount }
    public var isDeterministic: Bool { base.isDeterministic }
    public func evaluate(_ x: [Double]) -> [Double] { base.evaluate(Array(x.prefix(base.dimension))) }
    public func constraints(_ x: [Double]) -> [Double] { base.constraints(Array(x.prefix(base.dimension))) }
}
