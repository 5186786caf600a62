import Foundation

/// A pilot's acquisition held until work is queued (a long poll): its slots count as demand for
/// candidates while it waits.
struct WorkWaiter {
    let continuation: CheckedContinuation<Void, Never>
    let slots: Int
    /// Resumes the waiter at its deadline; cancelled when work wakes it first, so that woken
    /// acquisitions leave no sleeping tasks behind.
    let deadline: Task<Void, Never>

    func resume() {
        deadline.cancel()
        continuation.resume()
    }
}

extension StudyCoordinator {
    /// The longest a pilot's acquisition is held (below the clients' 30-second request timeout).
    static let longestWait = 20.0

    /// Pilot slots waiting for jobs now.
    var waitingSlots: Int { workWaiters.values.reduce(0) { $0 + $1.slots } }

    /// Suspends until work may have been queued (``wakeWaiters()``) or `deadline` (Unix seconds).
    /// Every study pilots serve is refilled first, so that the waiting slots are counted as demand.
    func awaitWork(until deadline: Double, slots: Int) async {
        guard !stopping else { return }
        let id = nextWaiterID
        nextWaiterID += 1
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let timer = Task {
                let seconds = max(0, deadline - Date().timeIntervalSince1970)
                guard (try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))) != nil else { return }
                await self.wake(id)
            }
            workWaiters[id] = WorkWaiter(continuation: continuation, slots: slots, deadline: timer)
            for study in rotation { refill(study) }
        }
    }

    private func wake(_ id: Int) {
        workWaiters.removeValue(forKey: id)?.resume()
    }

    /// Resumes every held acquisition: jobs were queued (candidates stored, a trial added, a job
    /// handed back or re-queued, a workflow step made runnable), or the server is stopping.
    func wakeWaiters() {
        guard !workWaiters.isEmpty else { return }
        let waiting = workWaiters
        workWaiters = [:]
        for waiter in waiting.values { waiter.resume() }
    }
}
