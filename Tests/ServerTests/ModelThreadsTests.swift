import Dispatch
import Foundation
import Testing

@testable import Server

/// Names appended from model threads, in order.
private final class StartLog: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String] = []

    func append(_ name: String) {
        lock.lock()
        names.append(name)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return names
    }
}

@Suite("Model threads shared by studies")
struct ModelThreadsTests {
    @Test(
        "The study that used less model time goes first; first come first served would run the busy study's queue first"
    )
    func leastChargedStudyGoesFirst() async throws {
        let threads = ModelThreads(width: 1)
        let log = StartLog()
        let gate = DispatchSemaphore(value: 0)
        // Study 1 holds the only thread (after 50 ms of work) until the gate opens.
        let first = Task {
            await threads.run(study: 1) {
                log.append("1a")
                Thread.sleep(forTimeInterval: 0.05)
                gate.wait()
            }
        }
        while log.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        var queued: [Task<Void, Never>] = []
        for name in ["1b", "1c", "2a"] {
            let study: Int64 = name.hasPrefix("1") ? 1 : 2
            queued.append(Task { await threads.run(study: study) { log.append(name) } })
            while threads.waitingCount < queued.count { try await Task.sleep(for: .milliseconds(5)) }
        }
        gate.signal()
        await first.value
        for task in queued { await task.value }
        #expect(log.all == ["1a", "2a", "1b", "1c"])
        #expect(threads.charge(of: 1) >= 0.04)
        #expect(threads.charge(of: 2) < threads.charge(of: 1))
    }

    @Test("At most width works run at once, and every work's result comes back")
    func widthBoundsConcurrency() async {
        let threads = ModelThreads(width: 2)
        let counter = StartLog()
        let lock = NSLock()
        nonisolated(unsafe) var active = 0
        nonisolated(unsafe) var peak = 0
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    await threads.run(study: Int64(index % 3)) {
                        lock.lock()
                        active += 1
                        peak = max(peak, active)
                        lock.unlock()
                        Thread.sleep(forTimeInterval: 0.01)
                        counter.append("\(index)")
                        lock.lock()
                        active -= 1
                        lock.unlock()
                        return index * index
                    }
                }
            }
            var all: [Int] = []
            for await value in group { all.append(value) }
            return all.sorted()
        }
        #expect(results == (0..<8).map { $0 * $0 })
        #expect(peak <= 2)
        #expect(counter.all.count == 8)
    }
}
