import Foundation
import GaussianProcess
import ParetoPilotCommands
import Testing

@Suite("paretopilot bench gp")
struct BenchGPTests {
    @Test("The workload fits and predicts, and its JSON has the documented keys", arguments: KernelRegistry.names)
    func workload(kernelName: String) throws {
        let result = try GPBenchmark(count: 30, dimension: 3, predictionCount: 200, seed: 1)
            .run(kernel: KernelRegistry.kernel(named: kernelName)!)
        #expect(result.kernel == kernelName)
        #expect(result.fitSeconds > 0 && result.predictSeconds > 0)
        #expect(result.mll.isFinite)
        let object = try JSONSerialization.jsonObject(with: Data(result.jsonLine.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["kernel", "n", "dim", "fit_s", "predict_s", "mll"])
    }

    @Test("Bad arguments are rejected with a message naming the option")
    func badArguments() {
        #expect(throws: (any Error).self) { try ParetoPilotCommand.parseAsRoot(["bench", "gp", "--n", "0"]) }
        do {
            _ = try ParetoPilotCommand.parseAsRoot(["bench", "gp", "--kernel", "nope"])
            Issue.record("unknown kernel accepted")
        } catch {
            #expect(ParetoPilotCommand.message(for: error).contains("--kernel"))
        }
    }
}
