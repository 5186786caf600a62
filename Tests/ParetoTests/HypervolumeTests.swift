import Pareto
import Sampling
import Testing

@Suite("Hypervolume against moocore")
struct HypervolumeTests {
    static let cases = MoocoreFixture.shared.hypervolume_cases

    @Test("Default algorithm agrees to 1e-12 relative", arguments: cases)
    func hypervolume(c: MoocoreFixture.HypervolumeCase) throws {
        let points = try PointSet(rows: c.points)
        let value = try Hypervolume.of(points, reference: c.ref)
        #expect(
            close(value, c.hypervolume, relative: 1e-12, floor: 1e-300) || (c.hypervolume == 0 && value == 0),
            "\(value) vs \(c.hypervolume)"
        )
    }

    @Test(
        "Every registered algorithm that supports the dimension agrees",
        arguments: cases.filter { $0.points.count <= 60 }
    )
    func algorithmsAgree(c: MoocoreFixture.HypervolumeCase) throws {
        let points = try PointSet(rows: c.points)
        for algorithm in Hypervolume.algorithms where algorithm.supports(dimension: c.dim) {
            let value = try Hypervolume.of(points, reference: c.ref, algorithm: algorithm)
            #expect(abs(value - c.hypervolume) <= 1e-12 * max(abs(c.hypervolume), 1e-12), "\(algorithm.name): \(value)")
        }
    }

    @Test(
        "Exclusive contributions: exact and dominated-ignored definitions",
        arguments: cases.filter { $0.points.count <= 100 }
    )
    func contributions(c: MoocoreFixture.HypervolumeCase) throws {
        let points = try PointSet(rows: c.points)
        let exact = try HypervolumeContributions.exclusive(points, reference: c.ref)
        let ignoring = try HypervolumeContributions.exclusive(points, reference: c.ref, ignoringDominated: true)
        let scale = max(c.hypervolume, 1e-12)
        for i in c.points.indices {
            #expect(
                abs(exact[i] - c.contributions_exact[i]) <= 1e-10 * scale,
                "exact \(i): \(exact[i]) vs \(c.contributions_exact[i])"
            )
            #expect(
                abs(ignoring[i] - c.contributions[i]) <= 1e-10 * scale,
                "ignoring \(i): \(ignoring[i]) vs \(c.contributions[i])"
            )
        }
    }

    @Test("Bad reference points are rejected with the field named")
    func badReference() throws {
        let points = try PointSet(rows: [[1, 2], [2, 1]])
        #expect { try Hypervolume.of(points, reference: [3]) } throws: { ($0 as? ParetoError)?.field == "reference" }
        #expect { try Hypervolume.of(points, reference: [3, .nan]) } throws: {
            ($0 as? ParetoError)?.field == "reference"
        }
        #expect { try PointSet(rows: [[1, 2], [1]]) } throws: { ($0 as? ParetoError)?.field == "points" }
        #expect { try PointSet(rows: [[1, .infinity]]) } throws: { ($0 as? ParetoError)?.field == "points" }
    }

    @Test("DTLZ2-like sphere fronts approach the analytic hypervolume", arguments: [2, 3, 4])
    func sphere(d: Int) throws {
        // r^M - pi^{M/2} / (2^M Gamma(M/2 + 1)) is the HV of the whole front; a dense sample is close below it.
        var generator = SeededGenerator(seed: 11)
        let n = d == 2 ? 2000 : (d == 3 ? 2000 : 400)
        var rows: [[Double]] = []
        for _ in 0..<n {
            let v = (0..<d).map { _ in abs(generator.nextNormal()) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            rows.append(v.map { $0 / norm })
        }
        let value = try Hypervolume.of(PointSet(rows: rows), reference: [Double](repeating: 1.1, count: d))
        let exact = [2: 0.4246018366025519, 3: 0.8074012244017015, 4: 1.155675][d]!
        #expect(value < exact)
        #expect(value > exact * (d == 4 ? 0.85 : 0.97))
    }
}

@Suite("Hypervolume against inclusion-exclusion on tied integer grids")
struct HypervolumeBruteForceTests {
    /// Σ over non-empty subsets of (-1)^{|T|+1} vol(box(join(T))), join = coordinate-wise max.
    static func inclusionExclusion(_ rows: [[Double]], reference: [Double]) -> Double {
        let inside = rows.filter { zip($0, reference).allSatisfy { $0 < $1 } }
        let n = inside.count
        var total = 0.0
        for mask in 1..<(1 << n) {
            var join = [Double](repeating: -.infinity, count: reference.count)
            var size = 0
            for i in 0..<n where mask & (1 << i) != 0 {
                size += 1
                for j in join.indices { join[j] = max(join[j], inside[i][j]) }
            }
            let volume = zip(join, reference).reduce(1.0) { $0 * ($1.1 - $1.0) }
            total += size % 2 == 1 ? volume : -volume
        }
        return total
    }

    @Test("Exact on random grid sets with duplicates and ties", arguments: [2, 3, 4, 5, 6, 7])
    func grid(d: Int) throws {
        var generator = SeededGenerator(seed: UInt64(100 + d))
        for trial in 0..<40 {
            let n = 1 + trial % 11
            let rows = (0..<n).map { _ in (0..<d).map { _ in Double(generator.next() % 5) } }
            let reference = [Double](repeating: 4, count: d)
            let expected = Self.inclusionExclusion(rows, reference: reference)
            let value = try Hypervolume.of(PointSet(rows: rows), reference: reference)
            #expect(abs(value - expected) <= 1e-9 * max(1, expected), "d=\(d) trial \(trial): \(value) vs \(expected)")
        }
    }

    @Test("Five and more objectives agree with the generic recursion on larger random sets", arguments: [5, 6])
    func larger(d: Int) throws {
        var generator = SeededGenerator(seed: UInt64(7 * d))
        let rows = (0..<60).map { _ in (0..<d).map { _ in (generator.nextUniform() * 8).rounded() / 8 } }
        let reference = [Double](repeating: 1.05, count: d)
        let points = try PointSet(rows: rows)
        let value = try Hypervolume.of(points, reference: reference)
        // Leave-one-dimension-out identity: HV_d = Σ over slices, computed independently through
        // contributions: HV(S) = HV(S \ {p}) + hvc(p) for the first point.
        let contributions = try HypervolumeContributions.exclusive(points, reference: reference)
        let without = try Hypervolume.of(points.selecting(1..<rows.count), reference: reference)
        #expect(abs(value - without - contributions[0]) <= 1e-12 * value)
    }
}
