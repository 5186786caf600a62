import Foundation
import Testing

@Suite("bench service with faults", .serialized)
struct BenchServiceFaultTests {
    @Test(
        "Killing the server twice and two pilots mid-job: every result told is stored once, the study finishes, the idle report is consistent",
        .enabled(if: Scratch.binary != nil, "the paretopilot executable is not built next to the tests")
    )
    func faultsLoseNothing() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Scratch.binary))
        process.arguments = [
            "bench", "service", "--pilots", "6", "--evaluations", "60", "--evaluation-s", "0.1", "--clients", "1",
            "--client-evaluations", "5", "--kill-server", "2", "--kill-pilots", "2", "--time-limit", "120", "--json",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Scratch.wait(for: process, seconds: 150)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationStatus == 0, "\(String(decoding: data, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
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
}
