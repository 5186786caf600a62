import Dispatch
import Foundation

/// Where the server fits models and computes candidates: threads of their own (GCD), never the
/// cooperative pool that serves HTTP, at most `width` at once (one core fewer than the machine
/// has, at least two: a generation and a background refit side by side), first come first served, so that several studies' generations share them
/// in turn (each study has at most one generation running).
enum ModelThreads {
    static let width = max(2, ProcessInfo.processInfo.activeProcessorCount - 1)
    private static let queue = DispatchQueue(label: "paretopilot.models", qos: .userInitiated, attributes: .concurrent)
    private static let slots = DispatchSemaphore(value: width)

    /// Runs `work` on a model thread and returns its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async {
                slots.wait()
                let result = work()
                slots.signal()
                continuation.resume(returning: result)
            }
        }
    }
}
