import Sampling

/// What an excursion-set study looks for: a box of inputs and, for each of one or several outputs,
/// one or several thresholds. The excursion set of output `f` at threshold `t` is `{x : f(x) > t}`;
/// with several thresholds the outputs are classified into the intervals between them.
public struct LevelSetProblem: Sendable {
    public var lower: [Double]
    public var upper: [Double]
    /// Output names, for reports.
    public var outputs: [String]
    /// Thresholds of each output, ascending.
    public var thresholds: [[Double]]

    /// - Parameters:
    ///   - lower, upper: The box of inputs.
    ///   - outputs: One name per output.
    ///   - thresholds: For each output, its thresholds (sorted here).
    public init(lower: [Double], upper: [Double], outputs: [String], thresholds: [[Double]]) {
        self.lower = lower
        self.upper = upper
        self.outputs = outputs
        self.thresholds = thresholds.map { $0.sorted() }
    }

    public var dimension: Int { lower.count }

    /// The class of a value against an output's thresholds: how many thresholds lie below it.
    func label(_ value: Double, output: Int) -> Int { thresholds[output].filter { value > $0 }.count }

    /// A regular grid with `perSide` points per dimension.
    public func grid(perSide: Int) -> [[Double]] {
        RegularGrid.points(lower: lower, upper: upper, perSide: perSide)
    }
}
