import Foundation
import ParetoPilotTesting
import Pilot
import Server
import Testing

@Suite("Held acquisitions: a pilot waits in the server for work instead of polling", .serialized)
struct LongPollTests {
    /// A server with one study (`extra` added to its specification), its admin and a pilot client.
    func served(
        _ name: String,
        budget: Int = 8,
        extra: [String: Any] = [:]
    ) async throws -> (
        server: TestServer, admin: ServiceClient, pilots: ServiceClient
    ) {
        let server = try await TestServer.start()
        let admin = try server.client()
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: name, budget: budget, extra: extra))
        return (server, admin, try server.client(try await server.token(role: "pilot")))
    }
    @Test("An acquisition with wait is answered as soon as a trial is queued, not at the end of its wait")
    func heldUntilWorkIsQueued() async throws {
        // External designs: nothing is queued until the client adds a trial.
        let (server, admin, pilots) = try await served("held", extra: ["strategy": "external"])
        defer { Task { await server.stop() } }
        let started = Date()
        let held = Task { () -> Int in
            let answer =
                try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "p", "slots": 1, "wait": 10])
                as! [String: Any]
            return (answer["jobs"] as? [Any])?.count ?? 0
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        try await admin.call(.POST, "/v1/studies/held/trials", json: ["parameters": ["x": 0.5, "y": 0.5]])
        let jobs = try await held.value
        let seconds = Date().timeIntervalSince(started)
        #expect(jobs == 1)
        #expect(seconds >= 0.5 && seconds < 3, "answered after \(seconds) s")
    }

    @Test("Without work, an acquisition waits its wait and answers empty; without wait it answers at once")
    func emptyAfterTheWait() async throws {
        let (server, _, pilots) = try await served("idle", extra: ["strategy": "external"])
        defer { Task { await server.stop() } }
        var started = Date()
        let waited =
            try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "p", "wait": 1]) as! [String: Any]
        let held = Date().timeIntervalSince(started)
        #expect((waited["jobs"] as? [Any])?.isEmpty == true)
        #expect(held >= 0.9 && held < 3, "held \(held) s")
        started = Date()
        let immediate = try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "p"]) as! [String: Any]
        #expect((immediate["jobs"] as? [Any])?.isEmpty == true)
        #expect(Date().timeIntervalSince(started) < 0.5)
        await expectStatus(422) {
            try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "p", "wait": -1])
        }
    }

    @Test("A study with no work left answers a held acquisition at once")
    func noWorkLeftAnswersAtOnce() async throws {
        let (server, _, pilots) = try await served("done", budget: 1)
        defer { Task { await server.stop() } }
        var jobs: [[String: Any]] = []
        #expect(
            try await eventually {
                let answer = try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "p"]) as! [String: Any]
                jobs = answer["jobs"] as? [[String: Any]] ?? []
                return !jobs.isEmpty
            }
        )
        let job = try #require(jobs.first?["job"] as? Int)
        // The result is told and the next job asked for with a wait: the budget is spent, so the
        // answer comes at once, empty.
        let started = Date()
        let completed =
            try await pilots.call(
                .POST,
                "/v1/jobs/\(job)/complete",
                json: ["pilot": "p", "outputs": ["f1": 0.5, "f2": 0.5], "acquire": ["slots": 1, "wait": 10]]
            ) as! [String: Any]
        #expect(completed["state"] as? String == "completed")
        #expect((completed["jobs"] as? [Any])?.isEmpty == true)
        #expect(Date().timeIntervalSince(started) < 2)
    }
}
