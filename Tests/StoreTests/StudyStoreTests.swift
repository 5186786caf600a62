import Foundation
import Store
import Testing

@Suite("Study store")
struct StudyStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("paretopilot-store-\(UUID().uuidString).sqlite")
            .path
    }

    @Test("Trials move forward only; a retry is a new attempt of the same trial")
    func stateMachine() throws {
        let store = try StudyStore(path: Self.temporaryPath())
        let study = try store.createStudy(name: "s", specification: "{}")
        let trial = try store.createTrial(study: study, parameters: [0.5, 2])
        #expect(trial.state == .pending && trial.number == 0)
        let first = try store.startAttempt(trial: trial.id)
        #expect(throws: StoreError.self) { try store.startAttempt(trial: trial.id) }
        try store.failAttempt(first, error: "exit 1", exitCode: 1, stderrTail: "boom", retry: true)
        #expect(throws: StoreError.self) { try store.completeAttempt(first, outputs: ["f": 1]) }
        let second = try store.startAttempt(trial: trial.id)
        try store.completeAttempt(second, outputs: ["f": 1.5])
        #expect(throws: StoreError.self) { try store.startAttempt(trial: trial.id) }
        let records = try store.trials(study: study)
        #expect(records.count == 1)
        #expect(records[0].state == .completed && records[0].attempts == 2 && records[0].outputs == ["f": 1.5])
        #expect(records[0].parameters == [0.5, 2])
        #expect(!TrialState.completed.canMove(to: .running))
        #expect(!TrialState.failed.canMove(to: .pending))
    }

    static let awkwardNumbers: [Double] = [
        0.1 + 0.2, 1e-05, -0.0, 1e300, 5e-324, -123_456_789.125, 1, 2.5e16, .pi, -.ulpOfOne,
    ]

    @Test("Designs and outputs come back bit for bit, whatever their digits and key characters")
    func numbersRoundTripExactly() throws {
        let store = try StudyStore(path: Self.temporaryPath())
        let study = try store.createStudy(name: "s", specification: "{}")
        let trial = try store.createTrial(study: study, parameters: Self.awkwardNumbers)
        let outputs: [String: Double] = [
            "resolution": 0.1 + 0.2, "Cost": -1e-300, "quote\"d": 2, "back\\slash": 3, "ünïcode": 4, "tab\t": 5,
            "zero": -0.0,
        ]
        try store.completeAttempt(try store.startAttempt(trial: trial.id), outputs: outputs)
        let record = try #require(try store.trials(study: study).first)
        #expect(record.parameters.map(\.bitPattern) == Self.awkwardNumbers.map(\.bitPattern))
        let stored = try #require(record.outputs)
        #expect(stored.keys.sorted() == outputs.keys.sorted())
        for (key, value) in outputs { #expect(stored[key]?.bitPattern == value.bitPattern, "\(key)") }
    }

    @Test("A failure without retry fails the trial; interrupted attempts are recovered")
    func failuresAndRecovery() throws {
        let path = Self.temporaryPath()
        let study: Int64
        do {
            let store = try StudyStore(path: path)
            study = try store.createStudy(name: "s", specification: "{}")
            let a = try store.createTrial(study: study, parameters: [1])
            try store.failAttempt(try store.startAttempt(trial: a.id), error: "timeout", retry: false)
            let b = try store.createTrial(study: study, parameters: [2])
            _ = try store.startAttempt(trial: b.id)  // left running, as by a killed process
        }
        let reopened = try StudyStore(path: path)
        #expect(try reopened.recoverInterruptedAttempts(study: study).count == 1)
        let records = try reopened.trials(study: study)
        #expect(records[0].state == .failed && records[0].lastError == "timeout")
        #expect(records[1].state == .running && records[1].lastError?.hasPrefix("interrupted") == true)
        let retry = try reopened.startAttempt(trial: records[1].id)
        try reopened.completeAttempt(retry, outputs: ["f": 3])
        #expect(try reopened.trials(study: study)[1].state == .completed)
        #expect(throws: StoreError.self) { try reopened.createStudy(name: "s", specification: "{}") }
    }

    @Test("A file that is not a database is a clear error")
    func notADatabase() throws {
        let path = Self.temporaryPath()
        try "this is not sqlite".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try StudyStore(path: path) }
    }
}
