import Pareto
import Sampling
import Testing

@Suite("Box decompositions")
struct BoxDecompositionTests {
    static let cases = MoocoreFixture.shared.hypervolume_cases.filter { $0.dim <= 4 && $0.points.count <= 60 }

    @Test("Dominated boxes sum to the hypervolume", arguments: cases)
    func dominatedBoxes(c: MoocoreFixture.HypervolumeCase) throws {
        let decomposition = try HypervolumeBoxDecomposition(points: PointSet(rows: c.points), reference: c.ref)
        let total = decomposition.dominatedBoxes().reduce(0) { $0 + $1.volume }
        #expect(abs(total - c.hypervolume) <= 1e-12 * max(c.hypervolume, 1e-12), "\(total) vs \(c.hypervolume)")
    }

    @Test("Non-dominated boxes fill the rest of the reference box", arguments: cases)
    func nondominatedBoxes(c: MoocoreFixture.HypervolumeCase) throws {
        let decomposition = try HypervolumeBoxDecomposition(points: PointSet(rows: c.points), reference: c.ref)
        let floor = (0..<c.dim).map { j in min(c.points.map { $0[j] }.min()!, c.ref[j]) - 1 }
        let boxes = decomposition.nondominatedBoxes(lowerBound: floor)
        let whole = zip(floor, c.ref).reduce(1.0) { $0 * ($1.1 - $1.0) }
        let total = boxes.reduce(0) { $0 + $1.volume }
        #expect(abs(total + c.hypervolume - whole) <= 1e-10 * whole, "\(total) + \(c.hypervolume) vs \(whole)")
    }

    @Test("Hypervolume improvement from the boxes equals the change in hypervolume, and updates are incremental")
    func improvement() throws {
        var generator = SeededGenerator(seed: 5)
        for d in 2...4 {
            let reference = [Double](repeating: 1.1, count: d)
            var decomposition = try HypervolumeBoxDecomposition(reference: reference)
            var rows: [[Double]] = []
            for _ in 0..<25 {
                let candidate = (0..<d).map { _ in generator.nextUniform() }
                let before = rows.isEmpty ? 0 : try Hypervolume.of(rows, reference: reference)
                let after = try Hypervolume.of(rows + [candidate], reference: reference)
                let predicted = decomposition.hypervolumeImprovement(of: candidate)
                #expect(abs(predicted - (after - before)) <= 1e-12 * max(after, 1e-12), "d=\(d)")
                decomposition.insert(candidate)
                rows.append(candidate)
                #expect(abs(decomposition.hypervolume - after) <= 1e-12 * after)
            }
        }
    }

    @Test("Boxes are disjoint (sampled)")
    func disjoint() throws {
        var generator = SeededGenerator(seed: 9)
        let rows = (0..<20).map { _ in (0..<3).map { _ in generator.nextUniform() } }
        let decomposition = try HypervolumeBoxDecomposition(points: PointSet(rows: rows), reference: [1, 1, 1])
        let dominated = decomposition.dominatedBoxes()
        let free = decomposition.nondominatedBoxes(lowerBound: [0, 0, 0])
        for _ in 0..<2000 {
            let x = (0..<3).map { _ in generator.nextUniform() }
            func inside(_ b: Box) -> Bool { (0..<3).allSatisfy { b.lower[$0] < x[$0] && x[$0] < b.upper[$0] } }
            let hits = dominated.filter(inside).count + free.filter(inside).count
            #expect(hits == 1)
        }
    }
}
