import Dispatch
import Foundation

/// Work done once per output (one GP fit each), on the calling thread or spread over the machine's
/// cores (`DispatchQueue.concurrentPerform`, which runs on GCD's worker threads, not Swift's
/// cooperative pool). Each output's work must not depend on the others' or on the order, so the
/// results are the same either way.
package enum OutputParallelism {
    /// `body(0) ..< body(count)`, in order; concurrently when `concurrently` and `count > 1`.
    package static func map<T: Sendable>(_ count: Int, concurrently: Bool, _ body: @Sendable (Int) -> T) -> [T] {
        guard concurrently, count > 1 else { return (0..<count).map(body) }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in slots.store(body(index), at: index) }
        return slots.values.map { $0! }
    }

    /// Slots written once each from concurrent iterations.
    private final class Slots<T: Sendable>: @unchecked Sendable {
        private var slots: [T?]
        private let lock = NSLock()

        init(count: Int) { slots = .init(repeating: nil, count: count) }

        func store(_ value: T, at index: Int) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        var values: [T?] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }
}
