import Dispatch
import Synchronization

/// A result that one thread produces and another waits for, blocking or with `await`.
///
/// A waiter first spins for a short while, because most results of a runtime thread arrive
/// within microseconds, and only then parks (a thread) or suspends (a task).
///
/// Its methods are inlinable so that each runtime call specializes them for its value type:
/// unspecialized, every call looked up generic metadata at run time, 0.6 us of a 3.4 us
/// round trip.
package final class Completion<Value: Sendable>: Sendable {
    @usableFromInline struct State {
        @usableFromInline var result: Result<Value, any Error>?
        @usableFromInline var parkedThread: DispatchSemaphore?
        @usableFromInline var suspendedTask: CheckedContinuation<Value, any Error>?

        @inlinable init() {}
    }

    @usableFromInline let state = Mutex(State())
    @usableFromInline let isDone = Atomic<Bool>(false)

    @inlinable package init() {}

    /// Whether a result has been delivered.
    @inlinable package var isCompleted: Bool { isDone.load(ordering: .acquiring) }

    /// Delivers the result and wakes the waiter. Only the first result counts.
    @inlinable package func complete(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { state -> (DispatchSemaphore?, CheckedContinuation<Value, any Error>?)? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.parkedThread = nil; state.suspendedTask = nil }
            return (state.parkedThread, state.suspendedTask)
        }
        guard let waiters else { return }
        isDone.store(true, ordering: .releasing)
        waiters.0?.signal()
        waiters.1?.resume(with: result)
    }

    @inlinable package func succeed(_ value: Value) { complete(.success(value)) }
    @inlinable package func fail(_ error: any Error) { complete(.failure(error)) }

    /// Blocks the calling thread until the result arrives.
    @inlinable package func wait(spinningFor spin: Duration) throws -> Value {
        if !JSRunPlatform.spin(for: spin, until: { isDone.load(ordering: .acquiring) }) {
            let semaphore = state.withLock { state -> DispatchSemaphore? in
                guard state.result == nil else { return nil }
                let semaphore = DispatchSemaphore(value: 0)
                state.parkedThread = semaphore
                return semaphore
            }
            semaphore?.wait()
        }
        return try state.withLock { $0.result! }.get()
    }

    /// Suspends the calling task until the result arrives, without blocking its thread
    /// beyond the initial spin.
    @inlinable nonisolated(nonsending) package func value(spinningFor spin: Duration) async throws -> Value {
        if JSRunPlatform.spin(for: spin, until: { isDone.load(ordering: .acquiring) }) {
            return try state.withLock { $0.result! }.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Value, any Error>? in
                if let result = state.result { return result }
                state.suspendedTask = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
