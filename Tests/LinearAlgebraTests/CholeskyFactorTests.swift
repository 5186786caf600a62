import LinearAlgebra
import Testing

@Suite("Cholesky factorisation")
struct CholeskyFactorTests {
    /// A random symmetric positive-definite matrix `B Bᵀ + n I`.
    static func spd(_ n: Int, seed: Int) -> Matrix {
        let b = Matrix(rowArrays: MatrixTests.randomRows(n, n, seed: seed))
        return b.gram() + Double(n) * Matrix.identity(n)
    }

    @Test("L Lᵀ reconstructs the matrix; solves, log-determinant and inverse are consistent", arguments: [1, 4, 30])
    func reconstruct(n: Int) throws {
        let a = Self.spd(n, seed: n)
        let factor = try CholeskyFactor(factoring: a)
        #expect(factor.jitter == 0)
        let l = factor.lower
        let product = l.multiplied(by: l, transposingOther: true)
        for i in 0..<n {
            for j in 0..<n { #expect(abs(product[i, j] - a[i, j]) < 1e-12 * Double(n)) }
            for j in (i + 1)..<max(i + 1, n) { #expect(l[i, j] == 0) }
        }
        let b = Matrix(rowArrays: MatrixTests.randomRows(n, 2, seed: 7))
        let x = factor.solve(b)
        let back = a.multiplied(by: x)
        for i in 0..<n {
            for j in 0..<2 { #expect(abs(back[i, j] - b[i, j]) < 1e-11) }
        }
        let inverse = factor.inverse()
        let identity = a.multiplied(by: inverse)
        for i in 0..<n {
            for j in 0..<n { #expect(abs(identity[i, j] - (i == j ? 1 : 0)) < 1e-11) }
        }
        // log det via the product of pivots of an independent elimination
        var work = a.rowArrays
        var logDet = 0.0
        for k in 0..<n {
            logDet += log(work[k][k])
            for i in (k + 1)..<max(k + 1, n) {
                let f = work[i][k] / work[k][k]
                for j in k..<n { work[i][j] -= f * work[k][j] }
            }
        }
        #expect(abs(factor.logDeterminant - logDet) < 1e-10 * max(1, abs(logDet)))
        var lb = b
        factor.solveLower(&lb)
        let llb = l.multiplied(by: lb)
        for i in 0..<n { #expect(abs(llb[i, 0] - b[i, 0]) < 1e-11) }
    }

    @Test("A singular covariance (duplicated point) is factored with a reported jitter")
    func jitterEscalation() throws {
        // Rank-one matrix: all entries 1.
        let n = 5
        let a = Matrix(rows: n, columns: n, repeating: 1)
        let factor = try CholeskyFactor(factoring: a)
        #expect(factor.jitter > 0)
        #expect(factor.jitter <= 1e-3)
        #expect(factor.lower.isFinite)
    }

    @Test("An indefinite matrix fails with a typed error past the jitter limit")
    func indefinite() {
        let a = Matrix(rowArrays: [[1, 0], [0, -1]])
        #expect {
            try CholeskyFactor(factoring: a)
        } throws: { error in
            (error as? LinearAlgebraError)?.code == .notPositiveDefinite
        }
        #expect(throws: LinearAlgebraError.self) {
            try CholeskyFactor(factoring: Matrix.identity(2), policy: .none).appending(
                cross: Matrix(rows: 2, columns: 1, repeating: 5),
                block: Matrix(rows: 1, columns: 1, repeating: 1),
                policy: .none
            )
        }
    }

    @Test("NaN input is rejected, not factored")
    func nonFinite() {
        var a = Matrix.identity(3)
        a[2, 1] = .nan
        #expect {
            try CholeskyFactor(factoring: a)
        } throws: { error in
            (error as? LinearAlgebraError)?.code == .nonFiniteInput
        }
    }

    @Test("Appending a block equals factoring the bordered matrix", arguments: [(6, 1), (10, 3)])
    func appending(n: Int, k: Int) throws {
        let full = Self.spd(n + k, seed: 11)
        let leading = Matrix(rowArrays: (0..<n).map { i in (0..<n).map { full[i, $0] } })
        let cross = Matrix(rowArrays: (0..<n).map { i in (0..<k).map { full[i, n + $0] } })
        let block = Matrix(rowArrays: (0..<k).map { i in (0..<k).map { full[n + i, n + $0] } })
        let updated = try CholeskyFactor(factoring: leading).appending(cross: cross, block: block)
        let direct = try CholeskyFactor(factoring: full)
        for i in 0..<(n + k) {
            for j in 0..<(n + k) { #expect(abs(updated.lower[i, j] - direct.lower[i, j]) < 1e-12) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
