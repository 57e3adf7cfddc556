import Foundation
import JSRun
import Synchronization

/// The code of `docs/guides/Concurrency.md`; see ``GettingStarted`` for how snippets are marked.
package enum Concurrency {
    /// One runtime, many tasks: calls are queued and run one at a time.
    package static func sharedRuntime() async throws -> Int {
        // snippet: shared-runtime
        let runtime = try Runtime()  // Sendable: share it with any task or thread
        defer { runtime.close() }
        try runtime.eval("globalThis.hits = 0")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask { try await runtime.evalAsync("hits += 1") }
            }
            try await group.waitForAll()
        }
        let hits = try runtime.eval("hits", as: Int.self)  // 100: no call saw another half done
        // end snippet
        return hits
    }

    /// One runtime per task: JavaScript on several cores at once.
    package static func parallelRuntimes() async throws -> [Int] {
        // snippet: parallel
        func fibonacci(_ n: Int) async throws -> Int {
            try await Runtime.with { runtime in
                try await runtime.evalAsync(
                    "(function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) })(\(n))", as: Int.self)
            }
        }

        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in [20, 21, 22, 23] {
                group.addTask { try await fibonacci(n) }  // each on its runtime's own thread
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted()
        }
        // [6765, 10946, 17711, 28657]
        // end snippet
        return results
    }

    /// Stopping a busy script from another task.
    package static func terminate() async throws -> (error: RuntimeError?, isClosed: Bool) {
        // snippet: terminate
        var failure: RuntimeError?
        let runtime = try Runtime()
        let busy = Task { try await runtime.evalAsync("while (true) {}") }

        try await Task.sleep(for: .milliseconds(20))
        runtime.terminate()  // from any thread, without waiting; the loop stops at once
        do {
            _ = try await busy.value
        } catch let error as RuntimeError {
            failure = error  // .terminated; so is every later call on this runtime
        }
        // end snippet
        return (failure, runtime.isClosed)
    }

    /// Cancelling the task of an `evalAsync`.
    package static func cancel() async throws -> (cancelled: Bool, after: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: cancel
        var cancelled = false
        let waiting = Task { try await runtime.evalAsync("new Promise(() => {})") }  // never settles

        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()  // stops that call only
        do {
            _ = try await waiting.value
        } catch is CancellationError {
            cancelled = true
        }
        let after = try await runtime.evalAsync("'still usable'")  // the runtime lives on
        // end snippet
        return (cancelled, after)
    }

    /// An actor that owns a runtime: `evalAsync` runs on the actor's executor.
    package static func actorOwned() async throws -> JSValue {
        // snippet: actor
        actor Plugin {
            private let runtime: Runtime
            private let handler: JSFunction

            init(source: String) throws {
                runtime = try Runtime()
                try runtime.eval(source)
                handler = try runtime.eval("handle").function!
            }

            // callAsync (like evalAsync) is nonisolated(nonsending): it runs on this actor's
            // executor and suspends while the runtime works, with no hop to another executor.
            func handle(_ event: String) async throws -> JSValue {
                try await handler.callAsync(.string(event))
            }

            deinit { runtime.close() }
        }

        let plugin = try Plugin(source: "async function handle(event) { return `handled ${event}` }")
        let reply = try await plugin.handle("click")  // "handled click"
        // end snippet
        return reply
    }

    /// Timers run on the runtime's thread, between calls; `waitUntilIdle` waits for the last.
    package static func timers() async throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: timers
        try runtime.eval("globalThis.log = []; setTimeout(() => log.push('timer'), 10); log.push('script')")
        try await runtime.waitUntilIdle()  // no timer left, no async call waiting
        let log = try runtime.eval("log")  // ["script", "timer"]
        // end snippet
        return log
    }

    /// The default runtime of a thread, and of a scope.
    package static func defaultRuntime() throws -> (count: Int, fresh: JSValue) {
        // snippet: default-thread
        try JS.eval("var count = 1")
        let count = try JS.eval("count += 1", as: Int.self)  // 2: the same runtime, this thread's
        JS.closeDefaultRuntime()  // the next use creates a fresh one
        let fresh = try JS.eval("typeof count")  // "undefined"
        // end snippet
        JS.closeDefaultRuntime()
        return (count, fresh)
    }

    /// A scope's runtime, shared by the tasks it starts.
    package static func scope() async throws -> Int {
        // snippet: default-scope
        let total = try await JS.withRuntime {
            try await JS.evalAsync("var total = 0")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...3 {
                    group.addTask { try await JS.evalAsync("total += \(n)") }  // the scope's runtime
                }
                try await group.waitForAll()
            }
            return try await JS.evalAsync("total", as: Int.self)  // 6
        }  // the scope's runtime is closed here
        // end snippet
        return total
    }

    /// A synchronous host function runs on the runtime's thread; an async one, on the pool.
    package static func hostThreads() async throws -> (sum: JSValue, onRuntimeThread: [Bool]) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: host-threads
        let onRuntimeThread = Mutex<[Bool]>([])
        // Linux names each runtime's thread "jsrun:NAME".
        @Sendable func isRuntimeThread() -> Bool {
            ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").hasPrefix("jsrun:")
        }

        try runtime.bind("syncWork") { (x: Int) in
            onRuntimeThread.withLock { $0.append(isRuntimeThread()) }  // true: JavaScript waits for it
            return x + 1
        }
        try runtime.bind("asyncWork") { (x: Int) async in
            onRuntimeThread.withLock { $0.append(isRuntimeThread()) }  // false: Swift's pool
            return x + 1
        }
        let sum = try await runtime.evalAsync("asyncWork(syncWork(1))")  // 3
        // onRuntimeThread: [true, false]
        // end snippet
        return (sum, onRuntimeThread.withLock { $0 })
    }
}
