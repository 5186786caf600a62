import Foundation
import Pilot
import Testing

@Suite("Audit: who created, told or changed what, and from where")
struct AuditTests {
    @Test(
        "Study creation, added trials, tells and tokens are recorded with the actor and address; only admins read them"
    )
    func auditTrail() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "audited", command: nil))
        let client = try server.client(try await server.token(role: "client", study: "audited"))
        try await client.call(.POST, "/v1/studies/audited/trials", json: ["parameters": ["x": 0.5, "y": 0.5]])
        try await client.call(.POST, "/v1/studies/audited/trials/0/tell", json: ["values": ["f1": 1, "f2": 2]])
        // A repeated identical tell changes nothing and is not recorded again.
        try await client.call(.POST, "/v1/studies/audited/trials/0/tell", json: ["values": ["f1": 1, "f2": 2]])
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "other", command: nil))

        let audit = try await admin.call(.GET, "/v1/audit") as! [String: Any]
        let records = audit["records"] as! [[String: Any]]
        #expect(
            records.map { $0["action"] as! String } == [
                "study.create", "token.create", "trial.add", "trial.tell", "study.create",
            ]
        )
        #expect(records[0]["actor"] as? String == "environment" && records[0]["role"] as? String == "admin")
        #expect(records[2]["role"] as? String == "client" && records[2]["target"] as? String == "trial 0")
        #expect(records.allSatisfy { ($0["address"] as? String)?.hasPrefix("127.0.0.1:") == true })
        let studyOnly = try await admin.call(.GET, "/v1/audit?study=audited") as! [String: Any]
        #expect((studyOnly["records"] as! [[String: Any]]).count == 4)
        let next = try await admin.call(.GET, "/v1/audit?after=\(audit["next_after"] as! Int)") as! [String: Any]
        #expect((next["records"] as! [Any]).isEmpty)
        await expectStatus(403) { try await client.call(.GET, "/v1/audit") }
        await expectStatus(400, field: "after") { try await admin.call(.GET, "/v1/audit?after=-1") }
    }
}
