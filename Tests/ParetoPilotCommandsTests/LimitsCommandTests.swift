import Foundation
import ParetoPilotCommands
import Testing

@Suite("paretopilot limits")
struct LimitsCommandTests {
    @Test("Asymptotic output has the documented keys and the reference values")
    func asymptotic() throws {
        let result = LimitsJob(background: 3, observed: 1, asymptotic: true).run()
        #expect(abs(result.observedLimit - 3.1293) < 1e-3)
        #expect(result.expectedLimits.count == 5 && abs(result.expectedLimits[2] - 4.7793) < 1e-3)
        let object = try JSONSerialization.jsonObject(with: Data(result.jsonLine.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["observed_limit", "expected_limits", "toys", "steps"])
    }

    @Test("Toy limits agree with the exact limit within the reported error")
    func toys() {
        let result = LimitsJob(background: 3, observed: 1, toys: 2000).run()
        #expect(abs(result.observedLimit - 3.6433) < 4 * (result.observedLimitError ?? 0) + 0.05)
        #expect(result.toys > 0 && result.steps > 1)
    }

    @Test("Bad arguments are rejected naming the option")
    func badArguments() {
        for arguments in [
            ["limits", "--background", "0", "--observed", "1"], ["limits", "--background", "3", "--observed", "-1"],
        ] {
            do {
                _ = try ParetoPilotCommand.parseAsRoot(arguments)
                Issue.record("accepted \(arguments)")
            } catch {
                #expect(ParetoPilotCommand.message(for: error).contains("--"))
            }
        }
    }
}

@Suite("paretopilot excursion: arguments")
struct ExcursionArgumentTests {
    @Test("Unknown problems and acquisitions are rejected naming the option")
    func badArguments() {
        for arguments in [
            ["excursion", "--problem", "5d", "--budget", "10"],
            ["excursion", "--problem", "1d", "--budget", "10", "--acquisition", "magic"],
            ["excursion", "--budget", "10"],
            ["excursion", "--problem", "1d", "--evaluator", "true", "--budget", "10"],
            ["excursion", "--evaluator", "true", "--budget", "10", "--parameter", "x=0:1"],
        ] {
            do {
                _ = try ParetoPilotCommand.parseAsRoot(arguments)
                Issue.record("accepted \(arguments)")
            } catch {
                #expect(ParetoPilotCommand.message(for: error).contains("--"))
            }
        }
    }
}
