import Foundation
import ParetoPilotTesting
import Pilot
import Server
import StudyModel
import Testing

/// Two collaborations on one server: every route of the API (from the router's own list) asked by
/// members of each, against the studies and jobs of each.
@Suite("Per-collaboration isolation on every route, from the route list", .serialized)
struct CollaborationIsolationTests {
    /// What a route needs of its caller on the study it names (or of the server).
    enum Need {
        /// `authenticated`: any valid caller; `lists`: clients and viewers, shown their own studies;
        /// `pilotWork`: pilots, shown their own studies' work.
        case none, authenticated, lists, pilotWork, serverAdmin, read, write, runJobs, createStudy, renewLocalToken
    }

    /// Every route with what it needs, and how to call it against a study and a job. A route missing
    /// here fails the test: a new route must say who may call it.
    static let routes: [String: Need] = [
        "GET /health": .none, "GET /openapi.json": .none,
        "POST /v1/tokens": .serverAdmin, "GET /v1/audit": .serverAdmin,
        "POST /v1/studies": .createStudy, "GET /v1/studies": .lists,
        "GET /v1/studies/{study}": .read, "POST /v1/studies/{study}/ask": .write,
        "GET /v1/studies/{study}/trials": .read, "POST /v1/studies/{study}/trials": .write,
        "GET /v1/studies/{study}/trials/{trial}": .read, "POST /v1/studies/{study}/trials/{trial}/tell": .write,
        "GET /v1/studies/{study}/front": .read, "GET /v1/studies/{study}/history": .read,
        "GET /v1/studies/{study}/results": .read, "GET /v1/studies/{study}/dashboard": .read,
        "POST /v1/pilots/acquire": .pilotWork, "GET /v1/work": .pilotWork, "GET /v1/pilots": .lists,
        "POST /v1/jobs/{job}/heartbeat": .runJobs, "POST /v1/jobs/{job}/logs": .runJobs,
        "GET /v1/jobs/{job}/logs": .read, "POST /v1/jobs/{job}/complete": .runJobs,
        "POST /v1/jobs/{job}/release": .runJobs, "POST /v1/tokens/renew": .renewLocalToken,
        "GET /v1/tokens/self": .authenticated,
    ]

    struct Member {
        var label: String
        var token: String
        /// The collaboration and role its groups give.
        var collaboration: String?
        var role: TokenRole
    }

    @Test("A member of one collaboration cannot list, read, tell or lease the studies of another, by any route")
    func isolation() async throws {
        let issuer = TestIssuer()
        let grants = [
            OIDCFixture.grant("eic:drich", .client, ["drich-*"]),
            OIDCFixture.grant("eic:drich-pilots", .pilot, ["drich-*"]),
            OIDCFixture.grant("eic:tracker", .client, ["tracker-*"]),
            OIDCFixture.grant("eic:tracker-viewers", .viewer, ["tracker-*"]),
            OIDCFixture.grant("eic:ops", .admin, ["*"]),
        ]
        let server = try await TestServer.start(oidc: try OIDCFixture.configuration(issuer: issuer, grants: grants))
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let outputs = #"echo '{"f1": 1, "f2": 2}'"#
        for name in ["drich-a", "tracker-a"] {
            try await admin.call(
                .POST,
                "/v1/studies",
                json: studySpecification(name: name, command: outputs, budget: 20)
            )
        }
        // One leased job per study, held by the site's pilot.
        let site = try server.client(try await server.token(role: "pilot"))
        var jobs: [String: Int] = [:]
        for name in ["drich-a", "tracker-a"] {
            #expect(
                try await eventually {
                    let answer =
                        try await site.call(
                            .POST,
                            "/v1/pilots/acquire",
                            json: ["pilot": "site-pilot", "slots": 1, "studies": [name]]
                        ) as! [String: Any]
                    jobs[name] = ((answer["jobs"] as? [[String: Any]])?.first?["job"] as? Int)
                    return jobs[name] != nil
                }
            )
        }
        // The identity provider's groups and what they give: (label, subject, group, collaboration, role).
        let roster: [(String, String, String, String?, TokenRole)] = [
            ("drich client", "d", "eic:drich", "drich", .client),
            ("drich pilot", "p", "eic:drich-pilots", "drich", .pilot),
            ("tracker client", "t", "eic:tracker", "tracker", .client),
            ("tracker viewer", "v", "eic:tracker-viewers", "tracker", .viewer),
            ("ops", "o", "eic:ops", nil, .admin),
        ]
        var members: [Member] = []
        for (label, subject, group, collaboration, role) in roster {
            let token = try await issuer.token(subject: subject, groups: [group])
            members.append(Member(label: label, token: token, collaboration: collaboration, role: role))
        }
        let endpoints = ParetoPilotServer.endpoints.map { "\($0.method) \($0.path)" }
        #expect(
            Set(endpoints) == Set(Self.routes.keys),
            "routes without an access rule here: \(Set(endpoints).subtracting(Self.routes.keys))"
        )
        var checked = 0
        // Other collaborations' studies first, so that allowed calls (which change state) come after.
        for target in ["tracker", "drich"] {
            let study = "\(target)-a"
            for member in members {
                for endpoint in ParetoPilotServer.endpoints {
                    let key = "\(endpoint.method) \(endpoint.path)"
                    guard let need = Self.routes[key] else { continue }
                    let mine = member.collaboration == nil || member.collaboration == target
                    let allowed: Bool =
                        switch need {
                        case .none, .authenticated: true
                        case .lists: member.role != .pilot
                        case .pilotWork: member.role == .pilot || member.role == .admin
                        case .serverAdmin: member.collaboration == nil
                        case .read: mine && member.role != .pilot
                        case .write, .createStudy: mine && (member.role == .client || member.role == .admin)
                        case .runJobs: mine && (member.role == .pilot || member.role == .admin)
                        case .renewLocalToken: false
                        }
                    let path = endpoint.path.replacingOccurrences(of: "{study}", with: study)
                        .replacingOccurrences(of: "{trial}", with: key.hasSuffix("/tell") ? "5" : "0")
                        .replacingOccurrences(of: "{job}", with: String(jobs[study]!))
                    let body = Self.body(for: key, study: study, member: member)
                    let client = try server.client(member.token)
                    let answer = try await client.send(
                        endpoint.method == "GET" ? .GET : .POST,
                        path + (key.hasSuffix("/results") ? "?after=0" : ""),
                        body: body
                    )
                    let text = String(decoding: answer.body, as: UTF8.self)
                    if allowed {
                        #expect(
                            ![401, 403].contains(answer.status),
                            "\(member.label) \(key) on \(study): \(answer.status) \(text)"
                        )
                    } else {
                        #expect(answer.status == 403, "\(member.label) \(key) on \(study): \(answer.status) \(text)")
                    }
                    // Routes that list: nothing of another collaboration shows.
                    if allowed, !mine || member.collaboration == nil {
                        if need == .lists || need == .pilotWork, member.collaboration != nil {
                            let other = target
                            #expect(
                                !text.contains("\"\(other)-a\""),
                                "\(member.label) \(key) shows \(other)-a: \(text)"
                            )
                        }
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 2 * members.count * Self.routes.count)
        // Listings as each collaboration's members see them.
        let drich = try server.client(members[0].token)
        let listed = try await drich.call(.GET, "/v1/studies") as! [[String: Any]]
        #expect(listed.compactMap { $0["name"] as? String }.allSatisfy { $0.hasPrefix("drich-") })
        let pilotJobs =
            try await server.client(members[1].token).call(
                .POST,
                "/v1/pilots/acquire",
                json: ["pilot": "collab-pilot", "slots": 10]
            ) as! [String: Any]
        for job in pilotJobs["jobs"] as? [[String: Any]] ?? [] {
            #expect((job["study_name"] as? String)?.hasPrefix("drich-") == true)
        }
        let work = try await server.client(members[1].token).call(.GET, "/v1/work") as! [String: Any]
        #expect(
            (work["studies"] as? [[String: Any]])?.allSatisfy { ($0["name"] as? String)?.hasPrefix("drich-") == true }
                == true
        )
    }

    static func body(for key: String, study: String, member: Member) -> Data? {
        let prefix = member.collaboration ?? "ops"
        let json: [String: Any]? =
            switch key {
            case "POST /v1/tokens": ["role": "viewer", "name": "made-by-\(member.label)"]
            case "POST /v1/studies":
                studySpecification(
                    name:
                        "\(study.split(separator: "-")[0])-new-\(prefix)-\(member.role.rawValue)-\(UUID().uuidString.prefix(4))"
                )
            case "POST /v1/studies/{study}/ask": ["count": 1]
            case "POST /v1/studies/{study}/trials": ["parameters": ["x": 0.5, "y": 0.25]]
            case "POST /v1/studies/{study}/trials/{trial}/tell": ["values": ["f1": 1, "f2": 1]]
            case "POST /v1/pilots/acquire": ["pilot": "collab-pilot", "slots": 1]
            case "POST /v1/jobs/{job}/heartbeat", "POST /v1/jobs/{job}/release": ["pilot": "site-pilot"]
            case "POST /v1/jobs/{job}/logs": ["pilot": "site-pilot", "lines": [["stream": "stdout", "text": "x"]]]
            case "POST /v1/jobs/{job}/complete": ["pilot": "site-pilot", "outputs": ["f1": 1, "f2": 2]]
            case "POST /v1/tokens/renew": [:]
            default: nil
            }
        return try? json.map { try JSONSerialization.data(withJSONObject: $0) }
    }
}
