import FixtureTesting
import Foundation
import Sampling
import Testing

@Suite("Sobol sequences and Latin hypercubes")
struct SobolSequenceTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var dim: Int
            var points: [[Double]]
        }
        var cases: [Case]
    }

    static let fixture: Fixture = OracleFixture.load(Fixture.self, named: "sobol_scipy.json")

    @Test("Unscrambled points equal SciPy's exactly", arguments: [1, 2, 5, 21, 64, 100])
    func matchesSciPy(dimension: Int) throws {
        let expected = try #require(Self.fixture.cases.first { $0.dim == dimension })
        var sobol = SobolSequence(dimension: dimension, scrambled: false)
        for (i, point) in expected.points.enumerated() {
            #expect(sobol.next() == point, "point \(i)")
        }
    }

    @Test("Scrambled points are seeded, stratified and differ from the unscrambled ones")
    func scrambled() {
        var a = SobolSequence(dimension: 8, scrambled: true, seed: 3)
        var b = SobolSequence(dimension: 8, scrambled: true, seed: 3)
        var c = SobolSequence(dimension: 8, scrambled: true, seed: 4)
        let pa = a.next(count: 64)
        #expect(pa == b.next(count: 64))
        #expect(pa != c.next(count: 64))
        // Each coordinate of 64 scrambled points still has one point in each interval [k/64, (k+1)/64).
        for j in 0..<8 {
            let strata = Set((0..<64).map { Int(pa[$0 * 8 + j] * 64) })
            #expect(strata.count == 64)
        }
    }

    @Test("Latin hypercube: one point per stratum per coordinate")
    func latinHypercube() {
        var generator = SeededGenerator(seed: 1)
        let points = LatinHypercube.sample(count: 20, dimension: 3, generator: &generator)
        for j in 0..<3 {
            #expect(Set((0..<20).map { Int(points[$0 * 3 + j] * 20) }).count == 20)
        }
    }

    @Test(
        "The normal quantile inverts the distribution function",
        arguments: [1e-12, 1e-5, 0.02, 0.3, 0.5, 0.8, 0.975, 1 - 1e-9]
    )
    func quantile(p: Double) {
        let x = NormalDistribution.quantile(p)
        #expect(abs(NormalDistribution.cdf(x) - p) <= 1e-14 * max(p, 1e-300) + 1e-16)
    }
}
