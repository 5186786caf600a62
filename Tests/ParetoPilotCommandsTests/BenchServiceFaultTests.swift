import Foundation
import Testing

@Suite("bench service with faults", .serialized)
struct BenchServiceFaultTests {
    @Test(
        "Killing the server twice and two pilots mid-job: every result told is stored once, the study finishes, the idle report is consistent",
        .enabled(if: Scratch.binary != nil, "the paretopilot executable is not built next to the tests")
    )
    func faultsLoseNothing() async throws {
        let report = try await Self.benchService([
            "--pilots", "6", "--evaluations", "60", "--evaluation-s", "0.1", "--clients", "1",
            "--client-evaluations", "5", "--kill-server", "2", "--kill-pilots", "2", "--time-limit", "120",
        ])
        #expect(report["lost"] as? Int == 0)
        #expect(report["duplicated"] as? Int == 0)
        #expect(report["server_kills"] as? Int == 2)
        #expect(report["pilot_kills"] as? Int == 2)
        #expect((report["restart_seconds"] as? [Double])?.count == 2)
        // The idle time in long waits is part of the idle time; the wait percentiles are ordered.
        let idle = try #require(report["idle_fraction"] as? Double)
        let inLongWaits = try #require(report["idle_fraction_in_long_waits"] as? Double)
        #expect(inLongWaits >= 0 && inLongWaits <= idle + 1e-12 && idle <= 1)
        let p50 = try #require(report["candidate_latency_p50_s"] as? Double)
        let p90 = try #require(report["candidate_latency_p90_s"] as? Double)
        let p99 = try #require(report["candidate_latency_p99_s"] as? Double)
        #expect(p50 <= p90 && p90 <= p99)
    }

    @Test(
        "Three studies served by the same pilots: each gets its budget, none lost or duplicated, fairness is Jain's index of their progress",
        .enabled(if: Scratch.binary != nil, "the paretopilot executable is not built next to the tests")
    )
    func studiesShareThePilots() async throws {
        let report = try await Self.benchService([
            "--pilots", "6", "--evaluations", "61", "--studies", "3", "--evaluation-s", "0.02",
            "--clients", "1", "--client-evaluations", "2", "--time-limit", "120",
        ])
        #expect(report["lost"] as? Int == 0)
        #expect(report["duplicated"] as? Int == 0)
        #expect(report["stored_results"] as? Int == 63)
        let studies = try #require(report["studies"] as? [[String: Any]])
        #expect(studies.compactMap { $0["name"] as? String } == ["pilots-1", "pilots-2", "pilots-3"])
        #expect(studies.compactMap { $0["budget"] as? Int } == [21, 20, 20])
        let progress = studies.compactMap { $0["progress_at_first_finish"] as? Double }
        #expect(progress.count == 3 && progress.contains(1.0) && progress.allSatisfy { $0 > 0 && $0 <= 1 })
        let sum = progress.reduce(0, +)
        let jain = sum * sum / (3 * progress.map { $0 * $0 }.reduce(0, +))
        #expect(abs(try #require(report["fairness"] as? Double) - jain) < 1e-9)
        #expect(studies.allSatisfy { $0["finished_s"] is Double })
    }

    /// Runs `paretopilot bench service ARGUMENTS --json`, expects exit code 0, and returns its report.
    static func benchService(_ arguments: [String]) async throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Scratch.binary))
        process.arguments = ["bench", "service"] + arguments + ["--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Scratch.wait(for: process, seconds: 150)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationStatus == 0, "\(String(decoding: data, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
