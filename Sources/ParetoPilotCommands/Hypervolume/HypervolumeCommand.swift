import ArgumentParser
import Foundation
import Memberwise
import Pareto

/// `paretopilot hv`: the hypervolume of a CSV file of objective vectors.
struct HypervolumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hv",
        abstract: "Compute the exact hypervolume of the points in a CSV file (all objectives minimised).",
        discussion: """
            FILE has one point per row (comma-separated, optional header). Points that do not \
            strictly dominate the reference point are ignored, as in moocore. With --json prints \
            {"hypervolume", "points", "objectives", "seconds"}, where seconds is the median compute \
            time of --repeat runs (reading the file excluded). Bad input exits with code 2.
            """
    )

    @Argument(help: "CSV file of objective vectors.")
    var file: String

    @Option(help: "Reference point, comma-separated (one value per objective).")
    var ref: String

    @Option(help: "Compute this many times and report the median time.")
    var `repeat`: Int = 1

    @Option(
        help:
            "Algorithm (\(Hypervolume.algorithms.map(\.name).joined(separator: ", "))); by default the fastest for the dimension."
    )
    var algorithm: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1, got \(`repeat`)") }
        if let algorithm, Hypervolume.algorithm(named: algorithm) == nil {
            throw ValidationError("--algorithm: unknown algorithm '\(algorithm)'")
        }
    }

    func run() async throws {
        do {
            let result = try HypervolumeJob(
                file: file,
                reference: ref,
                repetitions: `repeat`,
                algorithm: algorithm
            ).run()
            print(
                json
                    ? result.jsonLine
                    : "hypervolume \(result.hypervolume)  (\(result.points) points, \(result.objectives) objectives, \(result.seconds) s)"
            )
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
    }
}

/// The work of `paretopilot hv`, separate from argument parsing so it can be tested.
@MemberwiseInit
public struct HypervolumeJob: Sendable {
    public var file: String
    public var reference: String
    public var repetitions: Int = 1
    public var algorithm: String?

    public struct Result: Sendable, Encodable {
        public var hypervolume: Double
        public var points: Int
        public var objectives: Int
        public var seconds: Double

        public var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }
    }

    public func run() throws(InputError) -> Result {
        let table = try ObjectiveTable.read(path: file)
        let fields = reference.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var point: [Double] = []
        for (index, field) in fields.enumerated() {
            guard let value = Double(field), value.isFinite else {
                throw InputError("--ref: coordinate \(index + 1) is '\(field)', not a finite number", field: "ref")
            }
            point.append(value)
        }
        guard point.count == table.points.dimension else {
            throw InputError(
                "--ref has \(point.count) coordinates but \(file) has \(table.points.dimension) objectives",
                field: "ref"
            )
        }
        let chosen = algorithm.flatMap(Hypervolume.algorithm(named:))
        var times: [Double] = []
        var value = 0.0
        let clock = ContinuousClock()
        for _ in 0..<max(1, repetitions) {
            var failure: ParetoError? = nil
            let elapsed = clock.measure {
                do throws(ParetoError) {
                    value = try Hypervolume.of(table.points, reference: point, algorithm: chosen)
                } catch {
                    failure = error
                }
            }
            if let failure { throw InputError(failure.message, field: failure.field) }
            times.append(elapsed.seconds)
        }
        times.sort()
        let median =
            times.count % 2 == 1 ? times[times.count / 2] : 0.5 * (times[times.count / 2 - 1] + times[times.count / 2])
        return Result(
            hypervolume: value,
            points: table.points.count,
            objectives: table.points.dimension,
            seconds: median
        )
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
