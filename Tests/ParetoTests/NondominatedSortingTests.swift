import Pareto
import Testing

@Suite("Non-dominated sorting against moocore")
struct NondominatedSortingTests {
    @Test(
        "Masks (first copy and all copies) and 0-based ranks agree",
        arguments: MoocoreFixture.shared.hypervolume_cases
    )
    func agrees(c: MoocoreFixture.HypervolumeCase) throws {
        let points = try PointSet(rows: c.points)
        #expect(NondominatedSorting.nondominatedMask(points) == c.nondominated)
        #expect(NondominatedSorting.nondominatedMask(points, keepingDuplicates: true) == c.nondominated_weak)
        #expect(NondominatedSorting.ranks(points) == c.ranks)
    }

    @Test("Dominance is strict in at least one objective")
    func dominance() {
        #expect(Dominance.dominates([1, 2], [1, 3]))
        #expect(!Dominance.dominates([1, 2], [1, 2]))
        #expect(!Dominance.dominates([1, 4], [2, 3]))
    }
}

@Suite("Quality indicators against moocore")
struct QualityIndicatorTests {
    @Test("IGD, IGD+ and additive epsilon agree to 1e-12", arguments: MoocoreFixture.shared.indicator_cases)
    func agrees(c: MoocoreFixture.IndicatorCase) throws {
        let a = try PointSet(rows: c.points)
        let r = try PointSet(rows: c.reference_front)
        #expect(
            abs(try QualityIndicators.invertedGenerationalDistance(a, referenceFront: r) - c.igd) <= 1e-12
                * max(1, c.igd)
        )
        #expect(
            abs(try QualityIndicators.invertedGenerationalDistancePlus(a, referenceFront: r) - c.igd_plus) <= 1e-12
                * max(1, c.igd_plus)
        )
        #expect(
            abs(try QualityIndicators.additiveEpsilon(a, referenceFront: r) - c.epsilon_additive) <= 1e-12
                * max(1, abs(c.epsilon_additive))
        )
    }
}
