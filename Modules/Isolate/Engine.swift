import CV8
import Convert
import Glibc
import Platform
import Synchronization

/// The part of a runtime that lives on its own thread: the isolate, the queue of jobs for it,
/// and the promises that `evalAsync` calls wait for.
///
/// Only the runtime thread touches `isolate` and `pending`; other threads talk to the engine
/// through `queue` and the lifecycle state, which are thread-safe.
final class Engine: @unchecked Sendable {
    /// A unit of work for the runtime thread; `nil` when the runtime closed before it ran.
    typealias Job = @Sendable (Engine?) -> Void

    /// How long a caller spins for its result before it parks.
    static let callerSpin: Duration = .microseconds(50)
    /// How long the runtime thread spins for the next job before it parks.
    static let idleSpin: Duration = .microseconds(20)

    let name: String
    private let queue = JobQueue<Job>()
    private let isClosing = Atomic<Bool>(false)
    private let finished = Completion<Void>()
    /// The isolate, for `terminate` from other threads; `nil` once it is being disposed of.
    private let terminable = Mutex<IsolateHandle?>(nil)
    private var thread: pthread_t?

    // Runtime-thread state.
    private var isolate: OpaquePointer!
    private var pending: [(promise: OpaquePointer, completion: Completion<JSValue>)] = []

    private init(name: String) {
        self.name = name
    }

    /// Starts a runtime thread with a fresh isolate; returns once the isolate is ready.
    static func start(name: String) throws -> Engine {
        V8Platform.ensureInitialized()
        let engine = Engine(name: name)
        let started = Completion<Void>()
        do {
            try RuntimeThread.spawn(name: "jsrun:\(name)") { engine.run(started) }
        } catch {
            throw RuntimeError.creationFailed("cannot start a thread (\(error))")
        }
        // Creating an isolate takes about a millisecond: spin through most of it.
        try started.wait(spinningFor: .milliseconds(2))
        return engine
    }

    var isClosed: Bool { isClosing.load(ordering: .acquiring) }

    private var isOnRuntimeThread: Bool {
        thread.map(RuntimeThread.isCurrent) ?? false
    }

    // MARK: - The runtime thread

    private func run(_ started: Completion<Void>) {
        thread = RuntimeThread.current
        guard let isolate = cv8_isolate_new() else {
            started.fail(RuntimeError.creationFailed("V8 could not create an isolate"))
            return
        }
        self.isolate = isolate
        terminable.withLock { $0 = IsolateHandle(pointer: isolate) }
        started.succeed(())

        while true {
            let batch = queue.take(spinningFor: Self.idleSpin)
            if batch.isClosed {
                for job in batch.jobs { job(nil) }
                break
            }
            for job in batch.jobs { job(self) }
            cv8_run_pending_tasks(isolate)
            if !pending.isEmpty { settlePending() }
        }
        shutDown()
    }

    private func shutDown() {
        for (promise, completion) in pending {
            cv8_promise_release(isolate, promise)
            completion.fail(RuntimeError.closed)
        }
        pending.removeAll()
        terminable.withLock { $0 = nil }
        cv8_isolate_dispose(isolate)
        isolate = nil
        finished.succeed(())
    }

    /// Completes the `evalAsync` calls whose promises have settled.
    private func settlePending() {
        pending.removeAll { entry in
            let result = cv8_promise_poll(isolate, entry.promise)
            guard result.status != CV8_PENDING else { return false }
            entry.completion.complete(Result { try value(of: result) })
            return true
        }
    }

    // MARK: - Work from other threads

    /// Runs `work` on the runtime thread and blocks until it returns. On the runtime thread
    /// itself (a call from inside a host function), it runs in place.
    func perform<T: Sendable>(_ work: @escaping @Sendable (Engine) throws -> T) throws -> T {
        if isOnRuntimeThread { return try work(self) }
        let completion = Completion<T>()
        let accepted = queue.push { engine in
            guard let engine else { return completion.fail(RuntimeError.closed) }
            completion.complete(Result { try work(engine) })
        }
        guard accepted else { throw RuntimeError.closed }
        return try completion.wait(spinningFor: Self.callerSpin)
    }

    /// Starts `work` on the runtime thread, which completes the completion it is given, now
    /// or later; suspends until then.
    func performAsync(_ work: @escaping @Sendable (Engine, Completion<JSValue>) -> Void) async throws -> JSValue {
        let completion = Completion<JSValue>()
        let accepted = queue.push { engine in
            guard let engine else { return completion.fail(RuntimeError.closed) }
            work(engine, completion)
        }
        guard accepted else { throw RuntimeError.closed }
        return try await completion.value(spinningFor: Self.callerSpin)
    }

    /// Closes the engine: stops running JavaScript, fails queued and pending calls with
    /// `RuntimeError.closed`, and frees the isolate and the thread. With `waiting`, returns
    /// once that is done (except on the runtime thread, which cannot wait for itself).
    func close(waiting: Bool) {
        if isClosing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            terminable.withLock { isolate in
                if let isolate { cv8_isolate_terminate(isolate.pointer) }
            }
            queue.close()
        }
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

    /// Runs a classic script and completes `completion` when its value (awaited like
    /// `Promise.resolve`) settles.
    func evaluate(_ source: String, name: String, completing completion: Completion<JSValue>) {
        let result = run(source, name: name, awaiting: true)
        if result.status == CV8_PENDING {
            pending.append((result.promise, completion))
        } else {
            completion.complete(Result { try value(of: result) })
        }
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
    private func value(of result: cv8_result) throws -> JSValue {
        switch result.status {
        case CV8_OK:
            do {
                return try V8ValueReader.decode(UnsafeRawBufferPointer(start: result.data, count: result.length))
            } catch {
                throw RuntimeError.conversion(error.description)
            }
        case CV8_EXCEPTION:
            throw JavaScriptError(result)
        case CV8_TERMINATED:
            throw isClosed ? RuntimeError.closed : RuntimeError.terminated
        case CV8_UNSERIALIZABLE:
            let message = String(
                decoding: UnsafeRawBufferPointer(start: result.data, count: result.length), as: UTF8.self)
            throw RuntimeError.conversion(message)
        default:
            preconditionFailure("the shim returned status \(result.status.rawValue) where a value was expected")
        }
    }
}

/// An isolate pointer shared with other threads, for the one call they may make on it
/// (`cv8_isolate_terminate`), always under the engine's lock.
private struct IsolateHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

extension JavaScriptError {
    /// The error described by the shim's error record (see CV8/errors.cc).
    fileprivate init(_ result: cv8_result) {
        let record =
            (try? V8ValueReader.decode(UnsafeRawBufferPointer(start: result.data, count: result.length))) ?? .undefined
        let isError = record["isError"]?.boolValue ?? false
        let frames = record["frames"]?.arrayValue?.compactMap(StackFrame.init(record:)) ?? []
        var thrownValue: JSValue?
        if !isError, let thrown = result.thrown {
            thrownValue = try? V8ValueReader.decode(UnsafeRawBufferPointer(start: thrown, count: result.thrown_length))
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
