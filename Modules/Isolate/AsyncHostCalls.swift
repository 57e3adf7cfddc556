import JSRunConvert
import JSRunPlatform
import Synchronization

/// The async host calls of a runtime, running on Swift's concurrency pool.
///
/// Handing a call to the pool in a new task wakes a pool thread, which costs 7 to 10 µs on
/// these machines: more than the rest of the call. When calls come in close succession (a loop
/// of awaited calls), a task that has finished its call waits a little for the next one,
/// yielding to the pool's other work between looks (`Task.yield()`), and runs that call itself:
/// each call is then handed over in well under a microsecond. A call that comes alone costs no
/// waiting. One task at most waits at a time, and it takes one call: calls that come while it
/// runs get tasks of their own, so calls still run concurrently.
final class AsyncHostCalls: Sendable {
    /// A call: the function, its arguments, and the resolver of JavaScript's promise.
    struct Call: Sendable {
        let function: @Sendable ([JSValue]) async throws -> JSValue
        let arguments: [JSValue]
        let resolver: UInt32
        /// Whether the call came within ``waitForNext`` of the last one's end: then the task
        /// that runs it waits for the next one after.
        var followsClosely = false
    }

    /// How long a task that has finished a call waits for the next one.
    static let waitForNext: Duration = .microseconds(50)
    /// How long of that it looks without yielding to the pool.
    static let spinForNext: Duration = .microseconds(3)

    private struct State {
        /// The tasks running calls, by the resolver of the call: what closing cancels.
        var running: [UInt32: Task<Void, Never>] = [:]
        /// The task waiting for a call, if one is.
        var waiting: Task<Void, Never>?
        /// A call handed to the waiting task and not taken yet.
        var handedOver: Call?
        /// When a call last finished.
        var lastFinished: ContinuousClock.Instant?
        var isClosed = false
    }

    private let state = Mutex(State())
    /// Whether `handedOver` holds a call: what the waiting task reads between its yields,
    /// without taking the lock.
    private let hasCall = Atomic<Bool>(false)
    /// `state.running.count`, read without the lock: the runtime thread looks at it after every
    /// batch of jobs.
    private let runningCount = Atomic<Int>(0)
    /// Where results go: a job settles the promise on the runtime thread.
    private let queue: JobQueue<Engine.Job>

    init(queue: JobQueue<Engine.Job>) {
        self.queue = queue
    }

    /// How many calls are running.
    var count: Int { runningCount.load(ordering: .relaxed) }

    /// Starts `call`, in the waiting task if there is one free, or in a new task.
    func start(_ call: Call) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard !state.isClosed else { return }
            var call = call
            call.followsClosely = state.lastFinished.map { $0.duration(to: now) < Self.waitForNext } ?? false
            if let waiting = state.waiting, state.handedOver == nil {
                state.handedOver = call
                state.running[call.resolver] = waiting
                runningCount.store(state.running.count, ordering: .relaxed)
                hasCall.store(true, ordering: .releasing)
            } else {
                // Made under the lock, so that the task is registered before it can finish.
                let first = call
                state.running[call.resolver] = Task { await self.run(first) }
                runningCount.store(state.running.count, ordering: .relaxed)
            }
        }
    }

    /// Cancels the calls still running, and the task waiting for one (the runtime is closing).
    func cancelAll() {
        let tasks = state.withLock { state in
            state.isClosed = true
            defer {
                state.running.removeAll()
                runningCount.store(0, ordering: .relaxed)
            }
            return Array(state.running.values) + (state.waiting.map { [$0] } ?? [])
        }
        for task in tasks { task.cancel() }
    }

    /// Runs `first`, then the calls handed over while this task waits after each.
    private func run(_ first: Call) async {
        var call = first
        while true {
            let result: Result<JSValue, any Error>
            do { result = .success(try await call.function(call.arguments)) } catch { result = .failure(error) }
            guard let next = await finish(call, with: result) else { return }
            call = next
        }
    }

    /// Delivers `call`'s result, then waits for the next call if calls come in close
    /// succession and no other task waits.
    private func finish(_ call: Call, with result: Result<JSValue, any Error>) async -> Call? {
        let now = ContinuousClock.now
        let waits = state.withLock { state in
            let task = state.running.removeValue(forKey: call.resolver)
            runningCount.store(state.running.count, ordering: .relaxed)
            state.lastFinished = now
            guard let task, call.followsClosely, state.waiting == nil, !state.isClosed, !Task.isCancelled else {
                return false
            }
            state.waiting = task
            return true
        }
        // Waiting before the result goes out: JavaScript may make its next call at once.
        queue.push { engine in engine?.settleAsyncCall(call.resolver, with: result) }
        return waits ? await nextCall() : nil
    }

    /// The call handed over within ``waitForNext``, or `nil`; this task no longer waits after.
    /// It looks without yielding for the first microseconds, when the next call of a loop
    /// comes: a yield goes through the pool's queue, and costs about a microsecond.
    private func nextCall() async -> Call? {
        let deadline = ContinuousClock.now.advanced(by: Self.waitForNext)
        _ = JSRunPlatform.spin(for: Self.spinForNext) { hasCall.load(ordering: .acquiring) }
        while !hasCall.load(ordering: .acquiring) && ContinuousClock.now < deadline && !Task.isCancelled {
            await Task.yield()
        }
        return state.withLock { state in
            state.waiting = nil
            hasCall.store(false, ordering: .relaxed)
            defer { state.handedOver = nil }
            return state.handedOver
        }
    }
}
