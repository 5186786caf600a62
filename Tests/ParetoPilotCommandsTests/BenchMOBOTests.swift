import ParetoPilotCommands
import Testing

@Suite("paretopilot bench mobo")
struct BenchMOBOTests {
    @Test(
        "Bad arguments are rejected with a message naming the option",
        arguments: [
            (["--initial", "0"], "--initial"),
            (["--strategy", "trustregion"], "--strategy"),
            (["--batch", "0"], "--batch"),
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

    @Test("--strategy trust_region and --initial parse")
    func trustRegionParses() throws {
        _ = try ParetoPilotCommand.parseAsRoot([
            "bench", "mobo", "--problem", "dtlz2", "--budget", "10", "--strategy", "trust_region", "--initial", "5",
        ])
    }
}
