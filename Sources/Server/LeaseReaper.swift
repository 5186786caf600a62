import Logging
import ServiceLifecycle

/// Every `interval` seconds, fails the jobs whose lease expired and queues them again.
struct LeaseReaper: Service {
    let coordinator: StudyCoordinator
    let interval: Double

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                await coordinator.reapExpiredLeases()
            }
        }
    }
}
