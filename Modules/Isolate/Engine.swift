import CJSRunV8
import JSRunConvert
import JSRunPlatform
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The part of a runtime that lives on its own thread: the isolate, the queue of jobs for it,
/// the event loop (timers, platform tasks, promises that `evalAsync` waits for), and the
/// bookkeeping that lets other threads stop what runs there.
///
/// Only the runtime thread touches `isolate`, `pending` and the timer deadline; other threads
/// talk to the engine through `queue` and `control`, which are thread-safe.
final class Engine: @unchecked Sendable {
    /// A unit of work for the runtime thread; `nil` when the runtime stopped before it ran.
    typealias Job = @Sendable (Engine?) -> Void

    /// How long a caller spins for its result before it parks.
    static let callerSpin: Duration = .microseconds(50)
    /// How long the runtime thread spins for the next job before it parks.
    static let idleSpin: Duration = .microseconds(20)
    /// How long it spins instead while async host calls are running.
    static let asyncResultSpin: Duration = .microseconds(200)

    let config: RuntimeConfig
    let queue = JobQueue<Job>()
    private let finished = Completion<Void>()
    /// What other threads may read and change: see ``Control``.
    private let control = Mutex(Control())
    private let nextCallID = Atomic<UInt64>(1)
    let counters = Mutex(RuntimeStats.Counters())
    private var thread: pthread_t?

    // Runtime-thread state.
    private(set) var isolate: OpaquePointer!
    private var pending: [PendingCall] = [] {
        didSet { counters.withLock { $0.activeAsyncOps = pending.count } }
    }
    private var nextTimer: ContinuousClock.Instant?
    /// The event loop's turn that runs now (``forWaitingCalls(_:)``): its call, and the deadline
    /// armed for it, which each timer's callback arms anew.
    private var turn: (call: UInt64, watchdog: Watchdog.Ticket?)?
    /// The call JavaScript runs on behalf of now, and its limit, as the shim was told.
    private var owner: (call: UInt64, limit: Duration?) = (0, nil)
    private var idleWaiters: [Completion<Void>] = []
    /// The heap's limit in bytes, for ``RuntimeError/heapLimitExceeded(_:)``: `maxHeapSize`, or
    /// V8's default as its heap statistics give it when the isolate is new (before the heap
    /// limit callback raises it to let a stopped script unwind).
    private var heapLimit = 0
    /// Where function arguments are encoded, reused from call to call.
    private var argumentBuffer: [UInt8] = []
    /// Host functions, and what their calls leave behind (see HostFunctions.swift).
    var host = HostState()
    /// What a host function's answer points to until the shim has read it (HostReplies.swift).
    let replies = ReplyStorage()
    /// Async host calls running on the concurrency pool.
    let asyncCalls: AsyncHostCalls
    /// The module loader's hooks and its loads in flight (see ModuleHooks.swift).
    let modules = ModuleHooks()

    /// The lifecycle and the call running now, shared with the threads that stop calls.
    struct Control {
        /// The isolate, for `cv8_isolate_terminate` and interrupts; `nil` once disposed of.
        var isolate: IsolateHandle?
        /// Why the runtime stopped for good; `nil` while it runs.
        var ending: Ending?
        /// The call whose JavaScript runs now (0: none).
        var runningCall: UInt64 = 0
        /// Why that call is being stopped, when it is.
        var stopReason: StopReason?
        /// Calls stopped before their job ran (a deadline that passed while they were queued
        /// behind other work): they fail when their turn comes instead of running.
        var stoppedEarly: [UInt64: StopReason] = [:]
        /// The calls waiting for their promise (`pending`'s ids).
        var waiting: Set<UInt64> = []
        /// Whether the JavaScript running now is the event loop's, on behalf of the waiting
        /// calls (microtasks, platform tasks, timers, settling): stopping any of them stops it.
        var runsForWaiting = false
        /// The call whose timer's callback runs now (0: none): stopping it stops the callback.
        var timerOwner: UInt64 = 0
    }

    /// Why a runtime stopped for good; later calls throw the matching error.
    enum Ending {
        case closed, terminated, heapLimit(Int)

        var error: RuntimeError {
            switch self {
            case .closed: .closed
            case .terminated: .terminated
            case .heapLimit(let limit): .heapLimitExceeded(limit)
            }
        }
    }

    /// Why one call is being stopped.
    enum StopReason {
        case timedOut(Duration), cancelled

        var error: any Error {
            switch self {
            case .timedOut(let limit): RuntimeError.timedOut(limit)
            case .cancelled: CancellationError()
            }
        }
    }

    /// An `evalAsync` or async function call waiting for its promise.
    struct PendingCall {
        var id: UInt64
        var promise: OpaquePointer
        var completion: Completion<JSValue>
        var kind: RuntimeStats.ExecutionKind
        var start: ContinuousClock.Instant
        /// The call's timeout, which bounds what runs later on its behalf.
        var limit: Duration?
    }

    private init(config: RuntimeConfig) {
        self.config = config
        asyncCalls = AsyncHostCalls(queue: queue)
    }

    /// Starts a runtime thread with a fresh isolate; returns once the isolate is ready and the
    /// bootstrap script has run.
    static func start(_ config: RuntimeConfig) throws -> Engine {
        try config.validate()
        V8Platform.ensureInitialized()
        let engine = Engine(config: config)
        let started = Completion<Void>()
        do {
            try RuntimeThread.spawn(name: "jsrun:\(config.name)") { engine.run(started) }
        } catch {
            throw RuntimeError.creationFailed("cannot start a thread (\(error))")
        }
        // Creating an isolate takes about a millisecond: spin through most of it.
        try started.wait(spinningFor: .milliseconds(2))
        return engine
    }

    var isClosed: Bool { control.withLock { $0.ending != nil } }

    /// The error for a call made after the runtime stopped.
    var endingError: RuntimeError { control.withLock { $0.ending?.error } ?? .closed }

    var isOnRuntimeThread: Bool {
        thread.map(RuntimeThread.isCurrent) ?? false
    }

    // MARK: - The runtime thread

    private func run(_ started: Completion<Void>) {
        thread = RuntimeThread.current
        var options = cv8_isolate_options()
        options.max_heap_bytes = config.maxHeapSize ?? 0
        options.initial_heap_bytes = config.initialHeapSize ?? 0
        options.console_enabled = config.console.isEnabled && config.permissions.contains(.console)
        options.timers_enabled = config.permissions.contains(.timers)
        options.max_value_bytes = config.conversionLimits.maxBytes
        options.max_timer_slots = config.pendingTimerSlots
        options.host = cv8_host(
            context: Unmanaged.passUnretained(self).toOpaque(), console: consoleCallback, wake: wakeCallback,
            call: hostCallback, import_module: importModuleCallback, link_module: linkModuleCallback,
            resolve_module: resolveModuleCallback, timer_starting: timerStartingCallback, uncaught: uncaughtCallback)
        guard let isolate = cv8_isolate_new(&options) else {
            started.fail(RuntimeError.creationFailed("V8 could not create an isolate and its context"))
            finished.succeed(())
            return
        }
        self.isolate = isolate
        cv8_isolate_set_stack_size(isolate, V8Platform.stackSize ?? 0)
        heapLimit = config.maxHeapSize ?? Int(readHeap().heap_limit_bytes)
        control.withLock { $0.isolate = IsolateHandle(pointer: isolate) }
        do {
            try installOpDispatchers()
            if let bootstrap = config.bootstrap { _ = try evaluate(bootstrap, name: "<bootstrap>") }
            started.succeed(())
        } catch {
            control.withLock { $0.ending = .closed }
            started.fail(error)
            queue.close()
        }

        while true {
            // While async host calls (or module loads) are out, their results come back within
            // microseconds as a rule: wait for them a little longer before parking (a wake-up
            // costs tens).
            let spin = asyncCalls.count == 0 && modules.isIdle ? Self.idleSpin : Self.asyncResultSpin
            let batch = queue.take(spinningFor: spin, until: nextTimer)
            if batch.isClosed {
                for job in batch.jobs { job(nil) }
                break
            }
            // Unhandled rejections are reported once the JavaScript that made them has run, with
            // its microtasks, as Node does: after each job, each timer (the shim), the turn.
            for job in batch.jobs {
                job(self)
                reportUncaught()
            }
            runEventLoopTurn()
            reportUncaught()
            if !idleWaiters.isEmpty && nextTimer == nil && pending.isEmpty && modules.isIdle && asyncCalls.count == 0 {
                wakeIdleWaiters()
            }
        }
        shutDown()
    }

    private func shutDown() {
        asyncCalls.cancelAll()
        modules.cancelLoads()
        let error = endingError
        for call in pending {
            cv8_promise_release(isolate, call.promise)
            call.completion.fail(error)
        }
        pending.removeAll()
        control.withLock { $0.waiting.removeAll() }
        wakeIdleWaiters()
        control.withLock { $0.isolate = nil }
        cv8_isolate_dispose(isolate)
        isolate = nil
        // What this thread allocated for the runtime's life is freed here, by this thread, with
        // the isolate's memory. Freed later by the thread that drops the engine, one small block
        // left in this thread's malloc arena keeps the arena from giving back the isolate's
        // memory below it (16 closed runtimes held 2.8 MB more for two bindings each).
        host = HostState()
        argumentBuffer = []
        replies.bytes = []
        finished.succeed(())
    }

    /// After the jobs: the platform's tasks and microtasks, the timers that are due, and the
    /// calls whose promises settled.
    private func runEventLoopTurn() {
        // Nothing can bound it (no call waits, the runtime has no timeout, no timer is due, whose
        // callback would run under its owner's limit): no bookkeeping. A timer that the tasks
        // make due waits for the next turn.
        if pending.isEmpty && config.timeout == nil && cv8_timers_next(isolate) != 0 {
            cv8_run_pending_tasks(isolate)
            return noteTimer(cv8_timers_next(isolate))
        }
        forWaitingCalls(always: true) { isStopping in
            cv8_run_pending_tasks(isolate)
            // The jobs may have added or cleared timers: ask when the next one is due.
            let wait = cv8_timers_next(isolate)
            if wait == 0 && !isStopping() { runTimers() } else { noteTimer(wait) }
            if !pending.isEmpty && !isStopping() { settlePending() }
        }
    }

    /// Runs JavaScript that the event loop runs on no call's own behalf (platform tasks,
    /// microtasks, timers, settling promises): it may run on behalf of any call waiting for its
    /// promise, so a timeout or cancellation of any of them stops it, as does the runtime's own
    /// timeout, and each timer's callback runs under its owner's limit. `body` gets a check of
    /// whether it is being stopped, to skip what is left. Unless `always`, work that nothing could
    /// bound (no call waits, the runtime has no timeout) runs as it is.
    func forWaitingCalls(always: Bool = false, _ body: (_ isStopping: () -> Bool) -> Void) {
        if !always && pending.isEmpty && config.timeout == nil { return body { false } }
        let call = nextCallID.add(1, ordering: .relaxed).newValue
        turn = (call, config.timeout.map { startWatchdog(for: call, after: $0, failing: Completion<Void>?.none) })
        defer {
            turn?.watchdog.map(Watchdog.shared.cancel)
            turn = nil
        }
        // A new id, so nothing can have stopped it before it starts.
        try! running(call, limit: config.timeout, forWaiting: true, owner: 0) {
            body { self.control.withLock { $0.stopReason != nil } }
        }
    }

    /// A timer's callback is about to run, in the event loop's turn, on behalf of call `owner`
    /// with that call's limit: the turn's deadline is armed anew for it (the limit, or the
    /// runtime's timeout when sooner), and stopping `owner` stops it.
    fileprivate func timerStarting(owner: UInt64, limitMilliseconds: Double) {
        guard let current = turn else { return }
        control.withLock { $0.timerOwner = owner }
        // From a Duration, so within Duration's range (not Int64's in microseconds).
        let ownLimit = limitMilliseconds > 0 ? Duration.milliseconds(limitMilliseconds) : nil
        let limit = [ownLimit, config.timeout].compactMap { $0 }.min()
        current.watchdog.map(Watchdog.shared.cancel)
        turn = (
            current.call, limit.map { startWatchdog(for: current.call, after: $0, failing: Completion<Void>?.none) }
        )
    }

    /// After a job or the event loop's turn: promises rejected meanwhile that still have no
    /// handler go to ``RuntimeConfig/onUncaughtError``. Reading them may run getters: bounded as
    /// the event loop's own work is (``forWaitingCalls(_:)``).
    private func reportUncaught() {
        guard cv8_has_uncaught(isolate) else { return }
        forWaitingCalls { isStopping in
            if !isStopping() { cv8_report_uncaught(isolate) }
        }
    }

    /// Completes the async calls whose promises have settled.
    private func settlePending() {
        pending.removeAll { call in
            let result = cv8_promise_poll(isolate, call.promise)
            guard result.status != CV8_PENDING else { return false }
            control.withLock { _ = $0.waiting.remove(call.id) }
            call.completion.complete(Result { try value(of: result) })
            record(call.kind, since: call.start)
            return true
        }
    }

    private func wakeIdleWaiters() {
        for waiter in idleWaiters { waiter.succeed(()) }
        idleWaiters.removeAll()
    }

    // MARK: - Timers

    /// Runs the timers that are due and notes when the next one is. In the event loop's turn
    /// (``forWaitingCalls(_:)``), which bounds them.
    private func runTimers() {
        var status = CV8_OK
        let wait = cv8_timers_run(isolate, &status)
        // The reason is read now: it is cleared when the turn ends.
        let reason = status == CV8_TERMINATED ? "\(stopError())" : ""
        noteTimer(wait)
        switch status {
        case CV8_HEAP_LIMIT:
            end(.heapLimit(heapLimit))
        case CV8_TERMINATED where !isClosed:
            // Stopped by the timeout (a close or terminate ends the loop by itself).
            config.console.emit(.error, arguments: [.string("a timer callback was stopped: \(reason)")])
        default:
            break
        }
    }

    /// Notes the shim's "milliseconds until the next timer" (negative: none).
    private func noteTimer(_ wait: Double) {
        nextTimer = wait < 0 ? nil : ContinuousClock.now + .microseconds(Int64(wait * 1000))
    }

    // MARK: - Calls and their stopping

    /// Runs `body` as call `call`: while it runs, a timeout or cancellation of that call (and
    /// only that call, or with `forWaiting`, also of any call waiting for its promise) terminates
    /// its JavaScript. Afterwards, once the JavaScript stack it stopped has unwound, it cancels
    /// the termination it asked for: the only place that does (a timeout or cancellation; a
    /// close, a terminate or the heap limit ends the runtime).
    ///
    /// `limit` is the call's timeout: timers set meanwhile belong to the call and run under it.
    /// The event loop's turns pass `owner` 0: timers their microtasks set belong to no call.
    private func running<T>(
        _ call: UInt64, limit: Duration?, forWaiting: Bool = false, owner ownerCall: UInt64? = nil,
        _ body: () throws -> T
    ) throws -> T {
        let early = control.withLock { control -> StopReason? in
            if let reason = control.stoppedEarly.removeValue(forKey: call) { return reason }
            control.runningCall = call
            control.runsForWaiting = forWaiting
            control.stopReason = nil
            return nil
        }
        if let early { throw early.error }
        let outerOwner = owner
        setOwner(ownerCall ?? call, limit: limit)
        defer {
            setOwner(outerOwner.call, limit: outerOwner.limit)
            let stopped = control.withLock { control -> Bool in
                control.runningCall = 0
                control.runsForWaiting = false
                control.timerOwner = 0
                defer { control.stopReason = nil }
                return control.stopReason != nil
            }
            // A stop that came as the JavaScript ended would otherwise hit the next call.
            if stopped && !isClosed { cv8_isolate_cancel_termination(isolate) }
        }
        return try body()
    }

    /// Tells the shim which call the JavaScript that runs next runs on behalf of.
    private func setOwner(_ call: UInt64, limit: Duration?) {
        guard owner.call != call || owner.limit != limit else { return }
        owner = (call, limit)
        cv8_set_owner(isolate, call, limit.map { $0 / .milliseconds(1) } ?? 0)
    }

    /// Stops call `call`: terminates its JavaScript if it runs now, and fails it if it waits
    /// for a promise; the timers it set are cleared. Any thread.
    func stop(_ call: UInt64, because reason: StopReason) {
        let clearsTimers = control.withLock { control -> Bool in
            let waits = control.waiting.contains(call)
            let runsNow =
                control.runningCall == call || (control.runsForWaiting && (waits || control.timerOwner == call))
            guard runsNow else {
                // Not running: queued (it will fail at its turn), waiting on a promise (the job
                // below fails it), or finished (the job below forgets this entry).
                control.stoppedEarly[call] = reason
                return waits
            }
            if let isolate = control.isolate {
                control.stopReason = reason
                cv8_isolate_terminate(isolate.pointer)
            }
            return true
        }
        // A call that ran or waits is stopped with what it set up; one that finished as its
        // deadline came keeps its timers.
        queue.push { engine in engine?.expire(call, because: reason, clearingTimers: clearsTimers) }
    }

    private func expire(_ call: UInt64, because reason: StopReason, clearingTimers: Bool) {
        if clearingTimers { cv8_timers_clear_owner(isolate, call) }
        // This job runs after the call's own job (queued before any stop could be), so an
        // early stop left here concerns a call that has run: forget it.
        _ = control.withLock { $0.stoppedEarly.removeValue(forKey: call) }
        guard let index = pending.firstIndex(where: { $0.id == call }) else { return }
        let expired = pending.remove(at: index)
        control.withLock { _ = $0.waiting.remove(call) }
        cv8_promise_release(isolate, expired.promise)
        expired.completion.fail(reason.error)
        record(expired.kind, since: expired.start)
    }

    /// The error for the call whose JavaScript was terminated (the one running now).
    private func stopError() -> any Error {
        control.withLock { control in
            if let reason = control.stopReason { return reason.error }
            return control.ending?.error ?? RuntimeError.terminated
        }
    }

    /// Arms the stopping of `call` at `limit`; cancel the ticket when the call ends. With a
    /// `completion`, the caller also gets its error at once, even while the call still waits
    /// in the queue behind other work.
    private func startWatchdog<T>(
        for call: UInt64, after limit: Duration, failing completion: Completion<T>? = nil
    ) -> Watchdog.Ticket {
        Watchdog.shared.arm(after: limit) { [weak self] in
            self?.stop(call, because: .timedOut(limit))
            completion?.fail(RuntimeError.timedOut(limit))
        }
    }

    private func record(_ kind: RuntimeStats.ExecutionKind, since start: ContinuousClock.Instant) {
        let elapsed = start.duration(to: .now)
        counters.withLock { $0.record(kind, elapsed) }
    }

    // MARK: - Work from other threads

    /// Runs `work` on the runtime thread as one call and blocks until it returns, stopping it
    /// at `timeout`. On the runtime thread itself (a call from inside a host function), it
    /// runs in place. A call of no `kind` (binding a function or a value) is not counted in
    /// the stats.
    func perform<T: Sendable>(
        _ kind: RuntimeStats.ExecutionKind?, timeout: Duration?, _ work: @escaping @Sendable (Engine) throws -> T
    ) throws -> T {
        if isOnRuntimeThread { return try work(self) }
        try Self.refuseSpentTimeout(timeout)
        let call = nextCallID.add(1, ordering: .relaxed).newValue
        let completion = Completion<T>()
        let limit = timeout ?? config.timeout
        let accepted = queue.push { engine in
            guard let engine else { return completion.fail(self.endingError) }
            let start = ContinuousClock.now
            completion.complete(Result { try engine.running(call, limit: limit) { try work(engine) } })
            if let kind { engine.record(kind, since: start) }
        }
        guard accepted else { throw endingError }
        let watchdog = limit.map { startWatchdog(for: call, after: $0, failing: completion) }
        defer { watchdog.map(Watchdog.shared.cancel) }
        return try completion.wait(spinningFor: Self.callerSpin)
    }

    /// Starts `work` on the runtime thread as one call; `work` returns a shim result that may
    /// be a pending promise, which the event loop then waits for. Suspends until the value is
    /// there, the timeout passes or the task is cancelled.
    nonisolated(nonsending) func performAsync(
        _ kind: RuntimeStats.ExecutionKind, timeout: Duration?,
        _ work: @escaping @Sendable (Engine) throws -> cv8_result
    ) async throws -> JSValue {
        // A task cancelled already does not start JavaScript at all.
        try Task.checkCancellation()
        let (call, completion, watchdog) = try submit(kind, timeout: timeout, work)
        defer { watchdog.map(Watchdog.shared.cancel) }
        return try await withTaskCancellationHandler {
            try await completion.value(spinningFor: Self.callerSpin)
        } onCancel: {
            stop(call, because: .cancelled)
            // The task gets its error now, not when the call's turn comes.
            completion.fail(CancellationError())
        }
    }

    /// `performAsync` for a synchronous caller (the module loader's `evalModule`): blocks the
    /// calling thread, which must not be the runtime thread, until the value is there or the
    /// timeout passes, while the event loop runs timers and module loads.
    func performAwaiting(
        _ kind: RuntimeStats.ExecutionKind, timeout: Duration?,
        _ work: @escaping @Sendable (Engine) throws -> cv8_result
    ) throws -> JSValue {
        precondition(!isOnRuntimeThread, "the runtime thread cannot wait for its own event loop")
        let (_, completion, watchdog) = try submit(kind, timeout: timeout, work)
        defer { watchdog.map(Watchdog.shared.cancel) }
        return try completion.wait(spinningFor: Self.callerSpin)
    }

    /// Queues `work` as a new call whose value settles later (a promise, a module), and arms
    /// the watchdog for its timeout; the caller waits on the completion and cancels the ticket.
    private func submit(
        _ kind: RuntimeStats.ExecutionKind, timeout: Duration?,
        _ work: @escaping @Sendable (Engine) throws -> cv8_result
    ) throws -> (call: UInt64, completion: Completion<JSValue>, watchdog: Watchdog.Ticket?) {
        try Self.refuseSpentTimeout(timeout)
        let call = nextCallID.add(1, ordering: .relaxed).newValue
        let completion = Completion<JSValue>()
        let limit = timeout ?? config.timeout
        let accepted = queue.push { engine in
            guard let engine else { return completion.fail(self.endingError) }
            engine.begin(call, kind, limit: limit, completion) { try work(engine) }
        }
        guard accepted else { throw endingError }
        let watchdog = limit.map { startWatchdog(for: call, after: $0, failing: completion) }
        return (call, completion, watchdog)
    }

    /// A per-call timeout of zero or less has passed before the call starts: it times out at
    /// once, every time, without running (a watchdog armed for it would race the call).
    private static func refuseSpentTimeout(_ timeout: Duration?) throws {
        if let timeout, timeout <= .zero { throw RuntimeError.timedOut(timeout) }
    }

    /// The call whose JavaScript runs now, 0 for none; on the runtime thread.
    var currentCall: UInt64 { control.withLock { $0.runningCall } }

    /// Runs `work`, which runs JavaScript on behalf of call `call` after that call's job ended (a
    /// module graph that finished loading), under that call's limits: in place while a call
    /// runs; as `call` while it waits for its promise, so that its timeout and cancellation stop
    /// `work`; else, unless `onlyIfWaiting`, as a call of its own under the configured timeout,
    /// as timers run. On the runtime thread; returns whether `work` ran.
    @discardableResult
    func resume(_ call: UInt64, onlyIfWaiting: Bool, _ work: () -> Void) -> Bool {
        if currentCall != 0 {
            work()
            return true
        }
        if call != 0, let waiting = pending.first(where: { $0.id == call }) {
            // Throws only when the call was stopped meanwhile; its expiry job fails it.
            return (try? running(call, limit: waiting.limit, work)) != nil
        }
        if onlyIfWaiting { return false }
        let alone = nextCallID.add(1, ordering: .relaxed).newValue
        let watchdog = config.timeout.map { startWatchdog(for: alone, after: $0, failing: Completion<Void>?.none) }
        defer { watchdog.map(Watchdog.shared.cancel) }
        // A new id, so nothing can have stopped it before it starts.
        try! running(alone, limit: config.timeout, work)
        return true
    }

    /// Runs the start of an async call; a pending promise joins the event loop's list.
    private func begin(
        _ call: UInt64, _ kind: RuntimeStats.ExecutionKind, limit: Duration?, _ completion: Completion<JSValue>,
        _ work: () throws -> cv8_result
    ) {
        let start = ContinuousClock.now
        // The value is read inside the call, so that a termination maps to this call's reason.
        let outcome: Result<JSValue, any Error>?
        do {
            outcome = try running(call, limit: limit) { () -> Result<JSValue, any Error>? in
                let result: cv8_result
                do { result = try work() } catch { return .failure(error) }
                if result.status == CV8_PENDING {
                    pending.append(
                        PendingCall(
                            id: call, promise: result.promise, completion: completion, kind: kind, start: start,
                            limit: limit)
                    )
                    control.withLock { _ = $0.waiting.insert(call) }
                    return nil
                }
                return Result { try value(of: result) }
            }
        } catch {
            outcome = .failure(error)  // stopped before it started
        }
        if let outcome {
            completion.complete(outcome)
            record(kind, since: start)
        }
    }

    /// Resumes the caller once no timer is pending and no async call waits.
    func waitUntilIdle() async throws {
        try Task.checkCancellation()
        let idle = Completion<Void>()
        guard
            queue.push({ engine in
                guard let engine else { return idle.succeed(()) }
                engine.idleWaiters.append(idle)
            })
        else { return }
        // A cancelled wait ends at once; its entry is dropped when the runtime next goes idle.
        try await withTaskCancellationHandler {
            try await idle.value(spinningFor: .zero)
        } onCancel: {
            idle.fail(CancellationError())
        }
    }

    /// Ends the runtime for good with `ending`: running JavaScript stops, queued and pending
    /// calls fail with the matching error, and the isolate and thread are freed. With
    /// `waiting`, returns once that is done (except on the runtime thread, which cannot wait
    /// for itself).
    func end(_ ending: Ending, waiting: Bool = false) {
        let first = control.withLock { control -> Bool in
            guard control.ending == nil else { return false }
            control.ending = ending
            if let isolate = control.isolate { cv8_isolate_terminate(isolate.pointer) }
            return true
        }
        if first { queue.close() }
        if waiting && !isOnRuntimeThread {
            // Park at once: disposing of an isolate takes a few hundred microseconds, part of it
            // on V8's worker thread, and a spinning caller only takes a core from it (measured
            // on two cores: 0.25 ms to close when parked, 0.35 ms when spinning 200 us).
            try? finished.wait(spinningFor: .zero)
        }
    }

    // MARK: - Evaluation, on the runtime thread

    /// Runs a classic script and returns its completion value.
    func evaluate(_ source: String, name: String) throws -> JSValue {
        try value(of: run(source, name: name, awaiting: false))
    }

    /// Runs a classic script and returns the size of its value in V8's format, without reading
    /// it: V8's own share of a conversion, for benchmarks.
    func serializedSize(_ source: String, name: String) throws -> Int {
        let result = run(source, name: name, awaiting: false)
        guard result.status == CV8_OK else {
            // The error an eval would throw; a function is a handle, not serialized data.
            let value = try value(of: result)
            throw RuntimeError.conversion("\(value) is not serialized: only its handle crosses")
        }
        return result.length
    }

    /// Runs a classic script for `evalAsync`: its value, resolved like `Promise.resolve`.
    func startEvaluation(_ source: String, name: String) -> cv8_result {
        run(source, name: name, awaiting: true)
    }

    private func run(_ source: String, name: String, awaiting: Bool) -> cv8_result {
        var source = source
        var name = name
        return source.withUTF8 { code in
            name.withUTF8 { scriptName in
                cv8_eval(isolate, code.baseAddress, code.count, scriptName.baseAddress, scriptName.count, awaiting)
            }
        }
    }

    /// The Swift value or error that a result from the shim stands for.
    func value(of result: cv8_result) throws -> JSValue {
        switch result.status {
        case CV8_OK:
            do {
                // Only a value this large can hold binary data worth sharing rather than copying.
                let adopt: (() -> any AnyObject & Sendable)? =
                    result.length >= V8ValueReader.sharedBytesMinimum
                    ? { SerializedBuffer(cv8_take_buffer(self.isolate)) } : nil
                return try V8ValueReader.decode(
                    UnsafeRawBufferPointer(start: result.data, count: result.length),
                    limits: config.conversionLimits.forReadingOnThisThread, hostObject: heldFunction,
                    adoptBytes: adopt)
            } catch {
                throw RuntimeError.conversion(error.description)
            }
        case CV8_EXCEPTION:
            // A Swift error thrown into JavaScript and come back unchanged is itself again; one
            // whose name or message JavaScript changed is what JavaScript made of it.
            let thrown = JavaScriptError(record: result, limits: displayLimits)
            if let original = originalHostError(unlessChanged: thrown) { throw original }
            throw thrown
        case CV8_TERMINATED:
            throw stopError()
        case CV8_HEAP_LIMIT:
            let limit = heapLimit
            end(.heapLimit(limit))
            throw RuntimeError.heapLimitExceeded(limit)
        case CV8_FUNCTION:
            let name = String(decoding: UnsafeRawBufferPointer(start: result.data, count: result.length), as: UTF8.self)
            return .function(JSFunction(reference: FunctionHandle(engine: self, id: result.function_id, name: name)))
        case CV8_UNSERIALIZABLE:
            let message = String(
                decoding: UnsafeRawBufferPointer(start: result.data, count: result.length), as: UTF8.self)
            throw RuntimeError.conversion(message)
        case CV8_TOO_LARGE:
            throw tooLarge(result.length)
        default:
            preconditionFailure("the shim returned status \(result.status.rawValue) where a value was expected")
        }
    }

    // MARK: - Function handles

    /// A handle to function `id`, which the shim holds for a value it serialized.
    func heldFunction(_ id: UInt32) -> JSValue {
        var length = 0
        let name = cv8_function_name(isolate, id, &length)
        let text = String(decoding: UnsafeRawBufferPointer(start: name, count: length), as: UTF8.self)
        return .function(JSFunction(reference: FunctionHandle(engine: self, id: id, name: text)))
    }

    /// Calls function `id` with `arguments`, and `receiver` as `this` (undefined when `nil`),
    /// on the runtime thread; `awaiting` resolves the result like `Promise.resolve`, so the
    /// result may be pending.
    func callFunction(_ id: UInt32, _ arguments: [JSValue], receiver: JSValue? = nil, awaiting: Bool) throws
        -> cv8_result
    {
        try encodeArguments(receiver.map { [$0] + arguments } ?? arguments)
        return argumentBuffer.withUnsafeBufferPointer { bytes in
            cv8_function_call(isolate, id, bytes.baseAddress, bytes.count, receiver != nil, awaiting)
        }
    }

    /// Calls the method `name` of the value at `path` (from globalThis) with that value as
    /// `this`, on the runtime thread; `awaiting` as for ``callFunction(_:_:receiver:awaiting:)``.
    func callMethod(_ name: String, on path: [String], _ arguments: [JSValue], awaiting: Bool) throws -> cv8_result {
        try encodeArguments(arguments)
        var name = name
        return withPath(path) { names, lengths in
            name.withUTF8 { method in
                argumentBuffer.withUnsafeBufferPointer { bytes in
                    cv8_call_method(
                        isolate, names, lengths, path.count, method.baseAddress, method.count, bytes.baseAddress,
                        bytes.count, awaiting)
                }
            }
        }
    }

    /// Writes a call's arguments into `argumentBuffer`, as one array in V8's format.
    private func encodeArguments(_ arguments: [JSValue]) throws {
        do {
            try V8ValueWriter.encode(
                .array(arguments), into: &argumentBuffer, limits: config.conversionLimits, isArgumentList: true,
                functionID: functionID)
        } catch {
            throw RuntimeError.conversion(error.description)
        }
    }

    /// The id of a function handle of this runtime, for V8ValueWriter.
    var functionID: V8ValueWriter.FunctionID {
        { (function) throws(V8ValueWriter.Failure) in
            guard let handle = function.reference as? FunctionHandle, handle.engine === self else {
                throw .function(reason: "belongs to another runtime", path: "")
            }
            guard !handle.isReleased else { throw .function(reason: "was released", path: "") }
            return handle.id
        }
    }

    /// Frees function `id` in the isolate, soon; any thread, never blocks.
    func releaseFunction(_ id: UInt32) {
        if isOnRuntimeThread {
            cv8_function_release(isolate, id)
        } else {
            queue.push { engine in engine.map { cv8_function_release($0.isolate, id) } }
        }
    }

    // MARK: - Stats

    /// The isolate's heap and timers; on the runtime thread.
    func readHeap() -> cv8_stats {
        var stats = cv8_stats()
        cv8_isolate_stats(isolate, &stats)
        return stats
    }

    func pushStatsJob(_ heap: Completion<cv8_stats>) -> Bool {
        queue.push { engine in
            guard let engine else { return heap.fail(self.endingError) }
            heap.succeed(engine.readHeap())
        }
    }

    /// Asks the JavaScript running now, or with `evenIfIdle` the next to run, to read the stats
    /// at its next safe point. (An interrupt waits in V8 until JavaScript runs, so an idle
    /// runtime is not asked: its stats job answers.)
    func requestInterrupt(_ heap: Completion<cv8_stats>, evenIfIdle: Bool) {
        control.withLock { control in
            guard control.runningCall != 0 || evenIfIdle, let isolate = control.isolate else { return }
            let request = Unmanaged.passRetained(HeapRequest(heap, isolate)).toOpaque()
            cv8_isolate_request_interrupt(isolate.pointer, heapInterrupt, request)
        }
    }

    // MARK: - Host callbacks, from the shim

    /// The error for a value that the shim refused for its size: it had taken `size` bytes when
    /// it was (CV8_TOO_LARGE), the same error the limit gives a value Swift measures whole.
    func tooLarge(_ size: Int) -> RuntimeError {
        .conversion(V8SerializationError.tooLarge(limit: config.conversionLimits.maxBytes, size: size).description)
    }

    /// The limits for values that are shown rather than used (console arguments, thrown values):
    /// the byte limit, with the reader's own depth, as deep as Node prints.
    var displayLimits: ConversionLimits {
        ConversionLimits(maxDepth: V8ValueReader.defaultMaxDepth, maxBytes: config.conversionLimits.maxBytes)
    }

    /// A console call from JavaScript, on the runtime thread.
    fileprivate func console(_ level: Int32, _ data: UnsafePointer<UInt8>?, _ length: Int) {
        guard
            let arguments = try? V8ValueReader.decode(
                UnsafeRawBufferPointer(start: data, count: length), limits: displayLimits.forReadingOnThisThread
            ).arrayValue,
            ConsoleLevel.allCases.indices.contains(Int(level))
        else { return }
        config.console.emit(ConsoleLevel.allCases[Int(level)], arguments: arguments)
    }

    /// V8 posted a task for the isolate: an empty job wakes the thread, which then runs it.
    fileprivate func wake() {
        queue.push { _ in }
    }
}

private let consoleCallback: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<UInt8>?, Int) -> Void = {
    context, level, data, length in
    Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue().console(level, data, length)
}

private let hostCallback:
    @convention(c) (
        UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int, UnsafePointer<cv8_scalar>?, Int,
        UInt32
    ) -> cv8_host_reply = { context, binding, data, length, scalars, count, resolver in
        Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue()
            .hostCall(
                Unmanaged<Engine.HostBinding>.fromOpaque(binding!).takeUnretainedValue(), data, length, scalars, count,
                resolver)
    }

private let wakeCallback: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue().wake()
}

private let timerStartingCallback: @convention(c) (UnsafeMutableRawPointer?, UInt64, Double) -> Void = {
    context, owner, limit in
    Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue().timerStarting(owner: owner, limitMilliseconds: limit)
}

/// An isolate pointer shared with other threads, for the calls they may make on it
/// (`cv8_isolate_terminate`, `cv8_isolate_request_interrupt`), always under the engine's lock.
struct IsolateHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

extension JavaScriptError {
    /// The error described by the shim's error record (see Modules/Platform/CV8/errors.cc).
    /// The thrown value (when not an Error) is read within `limits`; the record, made of the
    /// error's strings, is not. Both go no deeper than the stack of the calling thread holds.
    init(record result: cv8_result, limits: ConversionLimits = .default) {
        let record =
            (try? V8ValueReader.decode(
                UnsafeRawBufferPointer(start: result.data, count: result.length),
                limits: ConversionLimits(maxDepth: V8ValueReader.defaultMaxDepth, maxBytes: .max).forReadingOnThisThread
            ))
            ?? .undefined
        let isError = record["isError"]?.boolValue ?? false
        let frames = record["frames"]?.arrayValue?.compactMap(StackFrame.init(record:)) ?? []
        var thrownValue: JSValue?
        if !isError, let thrown = result.thrown {
            thrownValue = try? V8ValueReader.decode(
                UnsafeRawBufferPointer(start: thrown, count: result.thrown_length),
                limits: limits.forReadingOnThisThread)
        }
        self.init(
            name: isError ? record["name"]?.stringValue : nil,
            message: record["message"]?.stringValue ?? "",
            stack: isError ? record["stack"]?.stringValue : nil,
            frames: frames,
            thrownValue: thrownValue
        )
    }
}

extension StackFrame {
    fileprivate init?(record: JSValue) {
        guard let line = record["line"]?.intValue, let column = record["column"]?.intValue else { return nil }
        self.init(
            function: record["function"]?.stringValue, file: record["file"]?.stringValue, line: line, column: column)
    }
}

/// A buffer the shim serialized a value into, now the host's: large binary data in the value
/// is read in place rather than copied, and the buffer is freed with the last of it.
private final class SerializedBuffer: Sendable {
    nonisolated(unsafe) let pointer: UnsafeMutablePointer<UInt8>?

    init(_ pointer: UnsafeMutablePointer<UInt8>?) { self.pointer = pointer }

    deinit { free(pointer) }
}
