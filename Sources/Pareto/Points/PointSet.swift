import LinearAlgebra

/// A set of objective vectors stored point after point (row-major), all objectives minimised.
///
/// This is the layout every Pareto algorithm here works on: point `i`'s objectives are the
/// contiguous `coordinates[i * dimension ..< (i + 1) * dimension]`. Maximised objectives are
/// negated by the caller before they get here.
public struct PointSet: Sendable, Equatable {
    /// Number of objectives.
    public let dimension: Int
    /// The coordinates, point after point.
    public var coordinates: [Double]

    /// Number of points.
    public var count: Int { dimension == 0 ? 0 : coordinates.count / dimension }

    /// A point set from contiguous coordinates.
    public init(dimension: Int, coordinates: [Double]) {
        precondition(dimension > 0 && coordinates.count % dimension == 0, "PointSet: ragged coordinates")
        self.dimension = dimension
        self.coordinates = coordinates
    }

    /// A point set from rows; throws if rows are ragged, empty of objectives, or not finite.
    public init(rows: [[Double]]) throws(ParetoError) {
        guard let first = rows.first else {
            throw ParetoError(message: "the point set is empty; cannot tell its dimension", field: "points")
        }
        let d = first.count
        guard d > 0 else { throw ParetoError(message: "points need at least one objective", field: "points") }
        var coordinates: [Double] = []
        coordinates.reserveCapacity(rows.count * d)
        for (i, row) in rows.enumerated() {
            guard row.count == d else {
                throw ParetoError(message: "point \(i) has \(row.count) objectives, point 0 has \(d)", field: "points")
            }
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw ParetoError(message: "point \(i), objective \(j) is \(row[j])", field: "points")
            }
            coordinates += row
        }
        self.init(dimension: d, coordinates: coordinates)
    }

    /// A point set from an `n x d` matrix (one point per row).
    public init(_ matrix: Matrix) throws(ParetoError) {
        guard matrix.columns > 0 else {
            throw ParetoError(message: "points need at least one objective", field: "points")
        }
        if let bad = matrix.elements.firstIndex(where: { !$0.isFinite }) {
            throw ParetoError(
                message: "point \(bad % matrix.rows), objective \(bad / matrix.rows) is \(matrix.elements[bad])",
                field: "points"
            )
        }
        self.init(dimension: matrix.columns, coordinates: matrix.transposed().elements)
    }

    /// Point `i` as an array.
    public func point(_ i: Int) -> [Double] {
        Array(coordinates[(i * dimension)..<((i + 1) * dimension)])
    }

    /// The points as rows.
    public var rows: [[Double]] { (0..<count).map(point) }

    /// The points at `indices`, in that order.
    public func selecting<C: Collection>(_ indices: C) -> PointSet where C.Element == Int {
        var result: [Double] = []
        result.reserveCapacity(indices.count * dimension)
        for i in indices { result += coordinates[(i * dimension)..<((i + 1) * dimension)] }
        return PointSet(dimension: dimension, coordinates: result)
    }

    /// Checks a reference point against this set's dimension.
    func validate(reference: [Double]) throws(ParetoError) {
        guard reference.count == dimension else {
            throw ParetoError(
                message: "the reference point has \(reference.count) coordinates, the points have \(dimension)",
                field: "reference"
            )
        }
        if let j = reference.firstIndex(where: { !$0.isFinite }) {
            throw ParetoError(message: "reference coordinate \(j) is \(reference[j])", field: "reference")
        }
    }

    /// Indices of the points that strictly dominate `reference` (every coordinate below it).
    func indicesStrictlyBelow(_ reference: [Double]) -> [Int] {
        var result: [Int] = []
        coordinates.withUnsafeBufferPointer { c in
            outer: for i in 0..<count {
                for j in 0..<dimension where !(c[i * dimension + j] < reference[j]) { continue outer }
                result.append(i)
            }
        }
        return result
    }
}
