import Foundation
import ParetoPilotCommands
import Testing

@Suite("paretopilot hv")
struct HypervolumeCommandTests {
    static func file(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("paretopilot-hv-\(UUID().uuidString).csv").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Reads a CSV with a header and computes the hypervolume")
    func computes() throws {
        let path = try Self.file("f1,f2\n1,2\n2,1\n# a comment\n\n3,3\n")
        let result = try HypervolumeJob(file: path, reference: "3, 3", repetitions: 3).run()
        #expect(result.hypervolume == 3)
        #expect(result.points == 3 && result.objectives == 2)
        let object = try JSONSerialization.jsonObject(with: Data(result.jsonLine.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["hypervolume", "points", "objectives", "seconds"])
    }

    @Test(
        "Bad files and references get a clear error",
        arguments: [
            ("1,2\n3\n", "3,3", "columns"),
            ("1,2\n3,abc\n", "3,3", "not a number"),
            ("1,2\n3,nan\n", "3,3", "finite"),
            ("1,2\n", "3", "coordinates"),
            ("1,2\n", "3,x", "--ref"),
            ("f1,f2\n", "3,3", "no data"),
        ]
    )
    func errors(contents: String, reference: String, expected: String) throws {
        let path = try Self.file(contents)
        #expect {
            try HypervolumeJob(file: path, reference: reference).run()
        } throws: { error in
            (error as? InputError)?.message.contains(expected) == true
        }
    }

    @Test("A missing file is an input error")
    func missing() {
        #expect(throws: InputError.self) { try HypervolumeJob(file: "/nonexistent/x.csv", reference: "1,1").run() }
    }
}
