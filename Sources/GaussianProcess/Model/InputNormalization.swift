import LinearAlgebra

/// Maps inputs from a box `[lower, upper]` to the unit cube, as BoTorch's `Normalize`.
public struct InputNormalization: Sendable, Equatable, Codable {
    /// Lower bound per dimension.
    public var lower: [Double]
    /// Upper bound per dimension.
    public var upper: [Double]

    /// Normalisation from explicit bounds; each `upper[j] > lower[j]`.
    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count, "InputNormalization: bounds of different lengths")
        self.lower = lower
        self.upper = upper
    }

    /// The identity on `d` dimensions (bounds `[0, 1]`).
    public static func identity(dimension: Int) -> InputNormalization {
        InputNormalization(lower: .init(repeating: 0, count: dimension), upper: .init(repeating: 1, count: dimension))
    }

    /// Bounds taken from the data's own range (a zero range becomes width 1).
    public static func fitted(to x: Matrix) -> InputNormalization {
        var lower = [Double](repeating: 0, count: x.columns)
        var upper = [Double](repeating: 1, count: x.columns)
        for j in 0..<x.columns {
            let column = x.column(j)
            let lo = column.min() ?? 0
            let hi = column.max() ?? 1
            lower[j] = lo
            upper[j] = hi > lo ? hi : lo + 1
        }
        return InputNormalization(lower: lower, upper: upper)
    }

    /// Number of input dimensions.
    public var dimension: Int { lower.count }

    /// Width of the box per dimension.
    public var widths: [Double] { zip(lower, upper).map { $1 - $0 } }

    /// Maps an `n x d` matrix of points into the unit cube.
    public func apply(_ x: Matrix) -> Matrix {
        precondition(
            x.columns == dimension,
            "InputNormalization: points have \(x.columns) columns, expected \(dimension)"
        )
        var result = x
        let n = x.rows
        for j in 0..<dimension {
            let lo = lower[j]
            let inverseWidth = 1 / (upper[j] - lo)
            for i in 0..<n { result.elements[i + j * n] = (x.elements[i + j * n] - lo) * inverseWidth }
        }
        return result
    }

    /// Maps one point into the unit cube.
    public func apply(_ point: [Double]) -> [Double] {
        (0..<dimension).map { (point[$0] - lower[$0]) / (upper[$0] - lower[$0]) }
    }

    /// Maps an `n x d` matrix of unit-cube points back to the box.
    public func invert(_ z: Matrix) -> Matrix {
        var result = z
        let n = z.rows
        for j in 0..<dimension {
            let width = upper[j] - lower[j]
            for i in 0..<n { result.elements[i + j * n] = lower[j] + z.elements[i + j * n] * width }
        }
        return result
    }
}
