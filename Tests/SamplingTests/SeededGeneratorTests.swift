import Sampling
import Testing

@Suite("Seeded generator")
struct SeededGeneratorTests {
    @Test("Same seed, same stream; different seeds, different streams")
    func determinism() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let sa = (0..<8).map { _ in a.next() }
        #expect(sa == (0..<8).map { _ in b.next() })
        #expect(sa != (0..<8).map { _ in c.next() })
    }

    @Test("Uniform and normal draws have the right moments")
    func moments() {
        var g = SeededGenerator(seed: 7)
        let n = 20_000
        let u = (0..<n).map { _ in g.nextUniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 0.01)
        let z = (0..<n).map { _ in g.nextNormal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.04)
    }
}
