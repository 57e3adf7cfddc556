import Foundation

/// Runs blocking `work` on a thread of its own and returns a task that awaits its result.
///
/// Tests that block until another part of the test acts (a `while (true)` waiting for `close()`)
/// must not block a thread of Swift's cooperative pool: the pool has one thread per core, and
/// with the other tests running in parallel the part that should act may never get one.
func onNewThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> Task<T, any Error> {
    Task {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
