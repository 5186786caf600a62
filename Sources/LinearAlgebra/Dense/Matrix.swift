/// A dense matrix of `Double` stored in column-major order.
///
/// Element `(i, j)` lives at `elements[i + j * rows]`: the leading dimension is `rows`,
/// as BLAS and LAPACK (`LAPACK_COL_MAJOR`) expect, so the storage is handed to them
/// without a copy. A design matrix of `n` points in `d` dimensions is an `n x d` matrix
/// (one point per row), as in scikit-learn and BoTorch.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, column after column (`rows * columns` of them).
    public var elements: [Double]

    /// A `rows x columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix that takes over `elements`, given column after column.
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) {
        precondition(elements.count == rows * columns, "Expected \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from an array of rows, which must all have the same length.
    public init(rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        self.init(rows: rowArrays.count, columns: columns)
        for (i, row) in rowArrays.enumerated() {
            precondition(row.count == columns, "Row \(i) has \(row.count) elements, expected \(columns)")
            for j in 0..<columns { elements[i + j * rows] = row[j] }
        }
    }

    /// The `n x n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rows: n, columns: n)
        for i in 0..<n { result.elements[i * (n + 1)] = 1 }
        return result
    }

    /// A square matrix with `diagonal` on its diagonal and zeros elsewhere.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        let n = diagonal.count
        var result = Matrix(rows: n, columns: n)
        for i in 0..<n { result.elements[i * (n + 1)] = diagonal[i] }
        return result
    }

    /// Element at row `row` and column `column`.
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row + column * rows] }
        set { elements[row + column * rows] = newValue }
    }

    /// Row `i` as an array (a strided gather).
    public func row(_ i: Int) -> [Double] {
        (0..<columns).map { elements[i + $0 * rows] }
    }

    /// Column `j` as an array (a contiguous copy).
    public func column(_ j: Int) -> [Double] {
        Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// The rows as arrays, for printing and serialisation.
    public var rowArrays: [[Double]] { (0..<rows).map(row) }

    /// The diagonal of the matrix.
    public var diagonal: [Double] {
        (0..<Swift.min(rows, columns)).map { elements[$0 * (rows + 1)] }
    }

    /// The transpose.
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { result.elements[j + i * columns] = elements[i + j * rows] }
        }
        return result
    }

    /// The matrix made of the rows at `indices`, in that order.
    public func selectingRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        var result = Matrix(rows: indices.count, columns: columns)
        for j in 0..<columns {
            var r = 0
            for i in indices {
                result.elements[r + j * result.rows] = elements[i + j * rows]
                r += 1
            }
        }
        return result
    }

    /// This matrix with the rows of `other` appended below it.
    public func appendingRows(_ other: Matrix) -> Matrix {
        if rows == 0 { return other }
        if other.rows == 0 { return self }
        precondition(
            other.columns == columns,
            "Cannot stack a \(other.columns)-column matrix under a \(columns)-column one"
        )
        var result = Matrix(rows: rows + other.rows, columns: columns)
        for j in 0..<columns {
            for i in 0..<rows { result.elements[i + j * result.rows] = elements[i + j * rows] }
            for i in 0..<other.rows {
                result.elements[rows + i + j * result.rows] = other.elements[i + j * other.rows]
            }
        }
        return result
    }

    /// Copies the lower triangle into the upper one, making the matrix exactly symmetric.
    public mutating func symmetrizeFromLower() {
        precondition(rows == columns, "symmetrizeFromLower needs a square matrix")
        let n = rows
        elements.withUnsafeMutableBufferPointer { a in
            for j in 0..<n {
                for i in (j + 1)..<Swift.max(j + 1, n) { a[j + i * n] = a[i + j * n] }
            }
        }
    }

    /// True when every element is finite.
    public var isFinite: Bool { elements.allSatisfy { $0.isFinite } }
}
