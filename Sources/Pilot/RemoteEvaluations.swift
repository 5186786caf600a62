import Evaluation
import Foundation
import StudyModel
import Wire

/// Runs a client's designs on the service's pilots: each design becomes a trial of a study with the
/// `external` strategy (`POST /v1/studies/{study}/trials`), pilots acquire and run them with the
/// study's evaluator command, and ``evaluate(_:timeout:)`` waits for their results. This is how a
/// workflow whose next step depends on the last one (an excursion scan, a toy limit scan) ships
/// every step's evaluations as jobs.
public struct RemoteEvaluations: Sendable {
    public let client: ServiceClient
    /// The study's name.
    public let study: String
    /// Seconds between polls of the trials.
    public var pollInterval: Double = 0.05

    /// Creates the study (parameters as floats in their bounds, `outputs` as objectives, the command
    /// run by pilots) on the server, or reuses an existing one of that name with `reuse`.
    public static func create(
        client: ServiceClient,
        study: String,
        parameters: [(name: String, lower: Double, upper: Double)],
        outputs: [String],
        command: String,
        timeout: Double,
        budget: Int,
        reuse: Bool = false
    ) async throws -> RemoteEvaluations {
        var specification = StudySpecification(
            name: study,
            parameters: parameters.map { .float($0.name, $0.lower, $0.upper) },
            objectives: outputs.map { .init(name: $0) },
            evaluator: .init(command: command, timeout: timeout),
            budget: max(budget, 1),
            maxAttempts: 3,
            strategy: .external
        )
        specification.maxFailureRate = 1
        do {
            _ = try await client.call(.POST, "/v1/studies", body: specification, as: StudySummary.self)
        } catch let error as ServiceClientError where error.status == 409 && reuse {
            // Continue the existing study.
        }
        return RemoteEvaluations(client: client, study: study)
    }

    /// Queues the designs (parameter values by name) and waits until each has a result or has failed.
    public func evaluate(_ designs: [[String: Double]], timeout: Double = .infinity) async throws -> [EvaluationResult]
    {
        let path = "/v1/studies/\(study.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? study)"
        var numbers: [Int] = []
        for design in designs {
            let request = AttachRequest(parameters: design.mapValues { .number($0) })
            numbers.append(try await client.call(.POST, "\(path)/trials", body: request, as: TrialPayload.self).trial)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let trials = try await client.call(.GET, "\(path)/trials", as: [TrialPayload].self)
            let byNumber = Dictionary(trials.map { ($0.trial, $0) }, uniquingKeysWith: { first, _ in first })
            let finished = numbers.compactMap { byNumber[$0] }.filter { $0.state.isFinished }
            if finished.count == numbers.count {
                return numbers.map { number in
                    let trial = byNumber[number]!
                    if trial.state == .completed, let outputs = trial.outputs { return .success(outputs) }
                    return .failure(message: trial.error ?? "failed", exitCode: nil, stderrTail: nil)
                }
            }
            guard Date() < deadline else {
                throw ServiceClientError(
                    status: 0,
                    code: "timeout",
                    message: "trials \(numbers) of \(study) did not finish in time",
                    field: nil
                )
            }
            try await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
        }
    }
}
