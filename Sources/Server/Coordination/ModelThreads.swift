import Dispatch
import Foundation

/// Where the server fits models and computes candidates: threads of their own (GCD), never the
/// cooperative pool that serves HTTP, at most ``width`` at once (one core fewer than the machine
/// has, at least two: a generation and a background refit side by side).
///
/// Studies share the threads fairly by the time they use, not by arrival: when a thread frees, the
/// waiting work of the study that has used the least model time lately goes first (time decays
/// with a half-life of ``halfLife`` seconds; ties go in arrival order). A study whose generations
/// take seconds therefore cannot queue ahead of another's that take milliseconds, as it could first
/// come first served.
final class ModelThreads: @unchecked Sendable {
    /// The server's model threads.
    static let shared = ModelThreads(width: max(2, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// Runs `work` for `study` on a model thread of ``shared`` and returns its result.
    static func run<T: Sendable>(study: Int64, _ work: @escaping @Sendable () -> T) async -> T {
        await shared.run(study: study, work)
    }

    /// How many works run at once.
    let width: Int
    /// Half-life of the model time a study is charged with (seconds).
    let halfLife: Double

    private struct Waiting {
        var study: Int64
        var order: Int
        var start: () -> Void
    }

    private let queue = DispatchQueue(label: "paretopilot.models", qos: .userInitiated, attributes: .concurrent)
    private let lock = NSLock()
    private var waiting: [Waiting] = []
    private var running = 0
    private var arrivals = 0
    /// Decayed model seconds per study, as of ``chargedAt``.
    private var usage: [Int64: Double] = [:]
    private var chargedAt = Date()

    init(width: Int, halfLife: Double = 30) {
        precondition(width >= 1, "ModelThreads: width must be at least 1")
        self.width = width
        self.halfLife = halfLife
    }

    /// Runs `work` for `study` on one of these threads and returns its result.
    func run<T: Sendable>(study: Int64, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            lock.lock()
            arrivals += 1
            waiting.append(
                Waiting(study: study, order: arrivals) { [self] in
                    queue.async {
                        let started = Date()
                        let result = work()
                        self.finished(study: study, seconds: Date().timeIntervalSince(started))
                        continuation.resume(returning: result)
                    }
                }
            )
            let ready = takeReady()
            lock.unlock()
            for start in ready { start() }
        }
    }

    /// How many works wait for a thread.
    var waitingCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return waiting.count
    }

    /// The model seconds `study` is charged with now (decayed).
    func charge(of study: Int64) -> Double {
        lock.lock()
        defer { lock.unlock() }
        decay()
        return usage[study] ?? 0
    }

    private func finished(study: Int64, seconds: Double) {
        lock.lock()
        decay()
        usage[study, default: 0] += seconds
        running -= 1
        let ready = takeReady()
        lock.unlock()
        for start in ready { start() }
    }

    /// Under the lock: the works to start now, least-charged study first.
    private func takeReady() -> [() -> Void] {
        var ready: [() -> Void] = []
        while running < width, !waiting.isEmpty {
            let next = waiting.indices.min { a, b in
                let (ua, ub) = (usage[waiting[a].study] ?? 0, usage[waiting[b].study] ?? 0)
                return ua < ub || (ua == ub && waiting[a].order < waiting[b].order)
            }!
            ready.append(waiting.remove(at: next).start)
            running += 1
        }
        return ready
    }

    /// Under the lock: decays every charge to now.
    private func decay() {
        let now = Date()
        let factor = pow(0.5, now.timeIntervalSince(chargedAt) / halfLife)
        chargedAt = now
        guard factor < 1 else { return }
        for (study, value) in usage {
            let decayed = value * factor
            usage[study] = decayed < 1e-6 ? nil : decayed
        }
    }
}
