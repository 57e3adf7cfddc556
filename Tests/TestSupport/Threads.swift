import Foundation
import Synchronization

/// Runs blocking `work` on a thread of its own, started at once, and returns a task that awaits
/// its result.
///
/// Tests that block until another part of the test acts (a `while (true)` waiting for `close()`)
/// must not block a thread of Swift's cooperative pool: the pool has one thread per core, and
/// with the other tests running in parallel the part that should act may never get one. The
/// thread starts before this returns, so the work begins when the test says, not when the pool
/// finds a thread for it.
public func onNewThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> Task<T, any Error> {
    let outcome = ThreadOutcome<T>()
    Thread.detachNewThread { outcome.finish(Result { try work() }) }
    return Task { try await outcome.value() }
}

/// The result of a thread's work, for one awaiting task.
private final class ThreadOutcome<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }
    private let state = Mutex(State())

    func finish(_ result: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard let waiter = state.waiter else {
                state.result = result
                return nil
            }
            return waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<T, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
