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
