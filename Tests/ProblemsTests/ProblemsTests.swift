import FixtureTesting
import Foundation
import Problems
import Testing

@Suite("Test problems against BoTorch")
struct ProblemsTests {
    struct Fixture: Decodable {
        struct Case: Decodable, CustomTestStringConvertible, Sendable {
            var name: String
            var `case`: String
            var dim: Int
            var num_objectives: Int
            var bounds: [[Double]]
            var ref_point: [Double]
            var max_hv: Double?
            var x: [[Double]]
            var f: [[Double]]
            var constraint_slack: [[Double]]?
            var testDescription: String { self.case }
        }
        var problems: [Case]
    }

    static let cases: [Fixture.Case] = OracleFixture.load(Fixture.self, named: "problems_botorch.json").problems

    @Test("Objectives, bounds, reference points, maximum hypervolumes and constraints agree", arguments: cases)
    func agrees(c: Fixture.Case) throws {
        let problem = try #require(
            try ProblemRegistry.problem(named: c.name, dimension: c.dim, objectives: c.num_objectives)
        )
        #expect(problem.dimension == c.dim)
        #expect(problem.objectiveCount == c.num_objectives)
        #expect(problem.lowerBounds == c.bounds[0])
        #expect(problem.upperBounds == c.bounds[1])
        #expect(problem.referencePoint == c.ref_point)
        if let maxHV = c.max_hv { #expect(abs(problem.maximumHypervolume! - maxHV) <= 1e-12 * maxHV) }
        for (x, f) in zip(c.x, c.f) {
            let value = problem.evaluate(x)
            for m in f.indices { #expect(abs(value[m] - f[m]) <= 1e-12 * max(1, abs(f[m])), "\(c.case) at \(x)") }
        }
        if let slacks = c.constraint_slack {
            for (x, slack) in zip(c.x, slacks) {
                // ParetoPilot's constraints are feasible when <= 0: the negated BoTorch slack.
                #expect(abs(problem.constraints(x)[0] + slack[0]) <= 1e-12 * max(1, abs(slack[0])))
            }
        }
    }

    @Test(
        "ToyTracker reproduces the reference check values",
        arguments: [
            ([5, 0.42, 5.8, 0.005, 1.7], [0.014690, 0.013557, 5.2390, 1.3892]),
            ([5, 0.40, 20, 0.005, 1.5], [0.033228, 0.016279, 4.7701, 0.9669]),
            ([10, 0.80, 5, 0.0005, 3.0], [0.001788, 0.001718, 34.739, 21.099]),
        ]
    )
    func toyTracker(x: [Double], expected: [Double]) {
        let values = ToyTracker.allValues(x)
        #expect(abs(values["resolution"]! - expected[0]) <= 5e-6)
        #expect(abs(values["lowpt_resolution"]! - expected[1]) <= 5e-6)
        #expect(abs(values["silicon_area_m2"]! - expected[2]) <= 5e-4 * expected[2])
        #expect(abs(values["magnet_energy_mj"]! - expected[3]) <= 5e-4 * expected[3])
        let cost = values["silicon_area_m2"]! + 0.523 * pow(values["magnet_energy_mj"]!, 0.662)
        #expect(abs(ToyTracker().evaluate(x)[2] - cost) < 1e-12)
    }

    @Test("Gluckstern factor and the layer-spacing constraint")
    func toyTrackerDetails() {
        let problem = ToyTracker(objectives: ["resolution", "cost"])
        #expect(problem.objectiveNames == ["resolution", "cost"])
        #expect(problem.parameterKinds[0] == .integer)
        // 10 layers need L >= 0.18 m: R_out = 0.21 violates, 0.3 satisfies.
        #expect(!problem.isFeasible([10, 0.21, 10, 0.001, 2]))
        #expect(problem.isFeasible([10, 0.30, 10, 0.001, 2]))
    }

    @Test("Unknown names and impossible settings are reported")
    func registryErrors() throws {
        #expect(try ProblemRegistry.problem(named: "nope") == nil)
        #expect(throws: ProblemError.self) { try ProblemRegistry.problem(named: "dtlz2", dimension: 2, objectives: 3) }
        #expect(throws: ProblemError.self) { try ProblemRegistry.problem(named: "branincurrin", dimension: 3) }
        for name in ProblemRegistry.names { #expect(try ProblemRegistry.problem(named: name) != nil) }
    }
}
