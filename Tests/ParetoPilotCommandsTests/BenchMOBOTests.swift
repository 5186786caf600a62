import BayesianOptimization
import ParetoPilotCommands
import Problems
import Testing

@Suite("paretopilot bench mobo")
struct BenchMOBOTests {
    @Test(
        "Bad arguments are rejected with a message naming the option",
        arguments: [
            (["--initial", "0"], "--initial"),
            (["--strategy", "trustregion"], "--strategy"),
            (["--batch", "0"], "--batch"),
            (["--model", "saasbo"], "--model"),
            (["--inert", "-1"], "--inert"),
            (["--hidden-constraint", "1.5"], "--hidden-constraint"),
            (["--no-feasibility-model"], "--no-feasibility-model"),
            (["--max-model-points", "1"], "--max-model-points"),
            (["--categorical", "onehot"], "--categorical"),
            (["--prior-mean", "median"], "--prior-mean"),
            (["--around-best", "-1"], "--around-best"),
            (["--around-best-scale", "0"], "--around-best-scale"),
            (["--local-from-dimension", "0"], "--local-from-dimension"),
            (["--descent-steps", "-1"], "--descent-steps"),
            (["--recombinations", "-1"], "--recombinations"),
            (["--designs"], "--designs"),
            (["--first-seed", "-1"], "--first-seed"),
            (["--first-seed", "18446744073709551615", "--seeds", "2"], "--first-seed"),
        ]
    )
    func badArguments(arguments: [String], option: String) {
        do {
            _ = try ParetoPilotCommand.parseAsRoot(
                ["bench", "mobo", "--problem", "dtlz2", "--budget", "10"] + arguments
            )
            Issue.record("\(arguments) accepted")
        } catch {
            #expect(ParetoPilotCommand.message(for: error).contains(option))
        }
    }

    @Test("With recorded designs a run lists every evaluated design and its objectives, in order")
    func recordsDesigns() throws {
        var benchmark = MOBOBenchmark(problem: BraninCurrin(), acquisition: .sobol, budget: 7, batch: 3)
        benchmark.recordsDesigns = true
        let result = try benchmark.run(seed: 1)
        let designs = try #require(result.designs)
        let objectives = try #require(result.objectives)
        #expect(designs.count == 7 && objectives.count == 7)
        for (x, y) in zip(designs, objectives) { #expect(BraninCurrin().evaluate(x) == y) }
        #expect(result.jsonLine.contains("\"designs\"") && result.jsonLine.contains("\"objectives\""))
        benchmark.recordsDesigns = false
        #expect(try benchmark.run(seed: 1).designs == nil)
    }

    @Test("--strategy trust_region and --initial parse")
    func trustRegionParses() throws {
        _ = try ParetoPilotCommand.parseAsRoot([
            "bench", "mobo", "--problem", "dtlz2", "--budget", "10", "--strategy", "trust_region", "--initial", "5",
        ])
    }
}

@Suite("paretopilot bench service")
struct BenchServiceTests {
    @Test(
        "Bad arguments are rejected with a message naming the option",
        arguments: [
            (["--strategy", "bayes"], "--strategy"),
            (["--strategy", "external"], "--strategy"),
            (["--evaluation-s", "-1"], "--evaluation-s"),
            (["--problem", "dtlz9"], "--problem"),
            (["--pilots", "0"], "--pilots"),
            (["--kill-server", "-1"], "--kill-server"),
            (["--evaluations", "10", "--kill-pilots", "10"], "--kill-pilots"),
            (["--client-observations", "-5"], "--client-observations"),
            (["--studies", "0"], "--studies"),
            (["--evaluations", "2", "--studies", "3"], "--studies"),
        ]
    )
    func badArguments(arguments: [String], option: String) {
        do {
            _ = try ParetoPilotCommand.parseAsRoot(["bench", "service"] + arguments)
            Issue.record("\(arguments) accepted")
        } catch {
            #expect(ParetoPilotCommand.message(for: error).contains(option))
        }
    }

    @Test("A model-based run on a built-in problem parses")
    func modelBasedParses() throws {
        _ = try ParetoPilotCommand.parseAsRoot([
            "bench", "service", "--strategy", "auto", "--problem", "toytracker", "--evaluation-s", "2",
        ])
    }
}
