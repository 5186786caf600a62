import ArgumentParser
import Foundation
import ParetoPilotCommands
import Testing

@Suite("paretopilot excursion with a user's evaluator")
struct ExcursionCommandTests {
    /// An evaluator script printing the 1-D test function f(x) = 11 - 10 [tanh(3(x - 0.3)) + 0.15 sin(30x)] of
    /// `$PARETOPILOT_PARAM_X` (by awk, tanh from exp) and, with `alsoPrintingG`, g = x.
    static func evaluator(alsoPrintingG: Bool, in directory: URL) throws -> String {
        let fields = alsoPrintingG ? #"{\"f\": %.17g, \"g\": %.17g}\n"# : #"{\"f\": %.17g}\n"#
        let values = "11 - 10*((t-1)/(t+1) + 0.15*sin(30*x))" + (alsoPrintingG ? ", x" : "")
        return try Scratch.script(
            """
            cat > /dev/null
            awk -v x="$PARETOPILOT_PARAM_X" 'BEGIN { t = exp(6*(x-0.3)); printf("\(fields)", \(values)) }'
            """,
            in: directory
        )
    }

    @Test("An external command's excursion set is learnt and written per grid point")
    func evaluatorCommand() async throws {
        let directory = try Scratch.directory()
        let script = try Self.evaluator(alsoPrintingG: true, in: directory)
        let grid = directory.appendingPathComponent("grid.csv").path
        var command = try ParetoPilotCommand.parseAsRoot([
            "excursion", "--evaluator", script, "--parameter", "x=0:1", "--output", "f:0.7", "--output", "g:0.25,0.75",
            "--budget", "12", "--batch", "4", "--workers", "2", "--grid-out", grid, "--json",
        ])
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
        let lines = try String(contentsOfFile: grid, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "x,f_mean,f_sd,f_class,f_ambiguous,g_mean,g_sd,g_class,g_ambiguous")
        #expect(lines.count == 201)
        // The crossings of f at 0.86111 and 0.92476: class 1 exactly between them (away from the edges).
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",")
            let x = Double(fields[0])!
            let fClass = Int(fields[3])!
            if x < 0.84 || x > 0.95 { #expect(fClass == 1, "x = \(x)") }
            if x > 0.87 && x < 0.915 { #expect(fClass == 0, "x = \(x)") }
            let gClass = Int(fields[7])!
            if x < 0.2 { #expect(gClass == 0) }
            if x > 0.3 && x < 0.7 { #expect(gClass == 1) }
            if x > 0.8 { #expect(gClass == 2) }
        }
    }

    @Test("Bad outputs and parameters are refused with exit code 2")
    func badInput() async throws {
        for arguments in [
            ["--evaluator", "true", "--parameter", "x=1:0", "--output", "f:0"],
            ["--evaluator", "true", "--parameter", "x=0:1", "--output", "f"],
            ["--evaluator", "/nonexistent/simulate", "--parameter", "x=0:1", "--output", "f:0"],
        ] {
            var command = try ParetoPilotCommand.parseAsRoot(["excursion", "--budget", "4"] + arguments)
            do {
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                Issue.record("\(arguments) was accepted")
            } catch let error as ExitCode {
                #expect(error == ExitCode(2))
            }
        }
    }
}
