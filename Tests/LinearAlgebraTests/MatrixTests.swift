import LinearAlgebra
import Testing

@Suite("Matrix products")
struct MatrixTests {
    static func naiveProduct(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let m = a.count
        let k = b.count
        let n = b.first?.count ?? 0
        var c = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        for i in 0..<m {
            for j in 0..<n {
                for l in 0..<k { c[i][j] += a[i][l] * b[l][j] }
            }
        }
        return c
    }

    static func randomRows(_ rows: Int, _ columns: Int, seed: Int) -> [[Double]] {
        var state = UInt64(seed &* 2_654_435_761 &+ 1)
        return (0..<rows).map { _ in
            (0..<columns).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(state >> 11) * 0x1.0p-53 - 0.5
            }
        }
    }

    @Test("Column-major layout and row construction agree")
    func layout() {
        let m = Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(m.elements == [1, 4, 2, 5, 3, 6])
        #expect(m[1, 2] == 6)
        #expect(m.row(0) == [1, 2, 3])
        #expect(m.column(1) == [2, 5])
        #expect(m.transposed().rowArrays == [[1, 4], [2, 5], [3, 6]])
        #expect(m.selectingRows([1]).rowArrays == [[4, 5, 6]])
        #expect(m.appendingRows(m).rows == 4)
    }

    @Test("gemm matches a naive product for every transpose combination", arguments: [false, true], [false, true])
    func gemm(transposeA: Bool, transposeB: Bool) {
        let a = Self.randomRows(5, 3, seed: 1)
        let b = Self.randomRows(3, 4, seed: 2)
        let expected = Self.naiveProduct(a, b)
        let ma = transposeA ? Matrix(rowArrays: a).transposed() : Matrix(rowArrays: a)
        let mb = transposeB ? Matrix(rowArrays: b).transposed() : Matrix(rowArrays: b)
        let c = ma.multiplied(by: mb, transposingSelf: transposeA, transposingOther: transposeB)
        for i in 0..<5 {
            for j in 0..<4 { #expect(abs(c[i, j] - expected[i][j]) < 1e-14) }
        }
    }

    @Test("gemv and syrk match naive products")
    func gemvAndSyrk() {
        let a = Matrix(rowArrays: Self.randomRows(6, 4, seed: 3))
        let x = [0.5, -1, 2, 0.25]
        let y = a.multiplied(byVector: x)
        for i in 0..<6 {
            let expected = (0..<4).reduce(0.0) { $0 + a[i, $1] * x[$1] }
            #expect(abs(y[i] - expected) < 1e-14)
        }
        let yt = a.multiplied(byVector: [1, 2, 3, 4, 5, 6], transposingSelf: true)
        for j in 0..<4 {
            let expected = (0..<6).reduce(0.0) { $0 + a[$1, j] * Double($1 + 1) }
            #expect(abs(yt[j] - expected) < 1e-13)
        }
        let gram = a.gram()
        let reference = a.multiplied(by: a, transposingOther: true)
        for i in 0..<6 {
            for j in 0..<6 { #expect(abs(gram[i, j] - reference[i, j]) < 1e-14) }
        }
        let norms = a.columnSquaredNorms()
        for j in 0..<4 {
            #expect(abs(norms[j] - a.column(j).reduce(0) { $0 + $1 * $1 }) < 1e-14)
        }
    }

    @Test("Empty shapes do not crash")
    func empty() {
        let a = Matrix(rows: 0, columns: 3)
        let b = Matrix(rows: 3, columns: 2)
        #expect(a.multiplied(by: b).rows == 0)
        #expect(Matrix(rows: 2, columns: 0).multiplied(by: Matrix(rows: 0, columns: 2)).elements == [0, 0, 0, 0])
    }
}
