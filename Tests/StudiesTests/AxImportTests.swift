import BayesianOptimization
import Foundation
import Pareto
import Store
import Studies
import Testing

/// Whether AID(2)E's KLM study is in `../shared/data` beside the repository.
func axStudyAvailable() -> Bool {
    FileManager.default.fileExists(
        atPath: AxImportTests.folder.appendingPathComponent("test_scheduler_experiment.json").path
    )
}

@Suite(
    "Importing an Ax study (AID(2)E KLM, June 2026)",
    .enabled(if: axStudyAvailable(), "../shared/data/aid2e-klm-june-26 is not beside the repository")
)
struct AxImportTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/aid2e-klm-june-26")

    static func load() throws -> (json: Data, table: String) {
        let json = folder.appendingPathComponent("test_scheduler_experiment.json")
        let table = folder.appendingPathComponent("test_scheduler_df.csv")
        return (try Data(contentsOf: json), try String(contentsOf: table, encoding: .utf8))
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ax-\(UUID().uuidString).sqlite").path
    }

    @Test("The real study imports with its parameters, objectives, thresholds, trials and warnings")
    func importsTheStudy() throws {
        let (json, table) = try Self.load()
        let imported = try AxImport.parse(experiment: json, source: "experiment.json", table: table)
        let spec = imported.specification
        #expect(spec.parameters.map(\.name) == ["steel_slope", "scint_slope", "steel_ratio"])
        #expect(spec.parameters.allSatisfy { $0.type == .float })
        #expect(spec.parameters[2].lower == 0.1 && spec.parameters[2].upper == 0.9)
        #expect(spec.objectives.map(\.name) == ["low_RMSE", "high_RMSE"])
        #expect(spec.objectives.allSatisfy { $0.direction == .minimize })
        #expect(spec.objectives.map(\.reference) == [0.75, 0.6])
        #expect(imported.trials.count == 61)
        #expect(imported.trials.filter { $0.status == "COMPLETED" }.count == 61)
        #expect(
            Dictionary(grouping: imported.trials, by: \.generationMethod).mapValues(\.count) == [
                "Manual": 1, "Sobol": 15, "BoTorch": 45,
            ]
        )
        #expect(imported.warnings.contains { $0.contains("'high_RMSE'") && $0.contains("threshold 0.6") })
        #expect(
            imported.warnings.contains {
                $0.contains("hypervolume 0") && $0.contains("low_RMSE=0.708751") && $0.contains("high_RMSE=1.0077")
            }
        )
        // Observations reproduce the table exactly.
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        for row in rows {
            let trial = try #require(imported.trials.first { $0.armName == row[2] })
            #expect(trial.metrics["high_RMSE"] == Double(row[6]))
            #expect(trial.metrics["low_RMSE"] == Double(row[7]))
        }
    }

    @Test("The front and its hypervolume against the inferred reference point match the data notes")
    func frontAndHypervolume() throws {
        let (json, table) = try Self.load()
        let imported = try AxImport.parse(experiment: json, source: "experiment.json", table: table)
        let points = imported.trials.map { [$0.metrics["low_RMSE"]!, $0.metrics["high_RMSE"]!] }
        let set = try PointSet(rows: points)
        #expect(NondominatedSorting.nondominatedIndices(set).count == 5)
        let reference = try #require(ReferencePoint.inferredFromAll(points))
        #expect(abs(reference[0] - 0.70875) < 1e-5 && abs(reference[1] - 1.00770) < 1e-5)
        #expect(abs(try Hypervolume.of(set, reference: reference) - 0.091473) < 1e-6)
    }

    @Test("Import, export as ax-csv, and the table comes back")
    func roundTrip() throws {
        let (json, table) = try Self.load()
        let path = Self.temporaryPath()
        _ = try AxImport.parse(experiment: json, source: "experiment.json", table: table).write(to: path)
        let store = try StudyStore(path: path)
        let stored = try store.studies()[0]
        let spec = try StudySpecification.decode(json: Data(stored.specification.utf8), source: path)
        let exported = StudyReport(specification: spec, trials: try store.trials(study: stored.id)).axCSV
        let original = table.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let copy = exported.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(copy[0] == original[0])
        #expect(copy.count == original.count)
        for (a, b) in zip(original.dropFirst(), copy.dropFirst()) {
            #expect(Array(a[0...5]) == Array(b[0...5]), "row \(a[0])")
            for column in 6..<a.count {
                let x = Double(a[column])!
                let y = Double(b[column])!
                #expect(abs(x - y) <= 1e-15 * max(1, abs(x)), "row \(a[0]) column \(original[0][column])")
            }
        }
    }

    @Test(
        "Malformed, truncated or unknown input gets an error naming it and leaves no file",
        arguments: [
            (
                "{\"__type\": \"Experiment\", \"search_space\": {\"__type\": \"SearchSpace\", \"parameters\": [",
                "not valid JSON"
            ),
            ("[1, 2]", "not a JSON object"),
            ("{\"__type\": \"Trial\"}", "__type Experiment"),
            (
                "{\"__type\": \"Experiment\", \"search_space\": {\"parameters\": [{\"__type\": \"WeirdParameter\", \"name\": \"w\"}]}}",
                "unsupported __type WeirdParameter"
            ),
        ]
    )
    func malformed(json: String, expected: String) {
        #expect {
            try AxImport.parse(experiment: Data(json.utf8), source: "bad.json")
        } throws: { ($0 as? StudyError)?.message.contains(expected) == true }
    }

    @Test("A table whose columns do not match the experiment is rejected, naming the column")
    func mismatchedTable() throws {
        let (json, table) = try Self.load()
        let renamed = table.replacingOccurrences(of: "high_RMSE", with: "high_rmse")
        #expect {
            try AxImport.parse(experiment: json, source: "experiment.json", table: renamed, tableSource: "df.csv")
        } throws: { ($0 as? StudyError)?.message.contains("column 'high_RMSE' is missing") == true }
        let path = Self.temporaryPath()
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
