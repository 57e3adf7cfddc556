import Foundation
import JSRun
import Testing

/// `JS`: the default runtime, per `withRuntime` scope and, outside scopes, per thread.
///
/// Tests of the thread fallback run on threads of their own (`Thread`), never on the
/// cooperative pool: a pool thread is shared with other tests, and so would be its runtime.
@Suite struct DefaultRuntimeTests {
    // MARK: - The thread fallback

    @Test func aThreadsConsecutiveCallsShareOneRuntime() async throws {
        let (count, same) = try await onOwnThread {
            try JS.eval("var count = 1")
            try JS.eval("count += 1")
            let first = try JS.defaultRuntime
            let second = try JS.defaultRuntime
            return (try JS.eval("count", as: Int.self), first === second)
        }
        #expect(count == 2)
        #expect(same)
    }

    @Test func twoThreadsHaveTwoRuntimes() async throws {
        let first = try await onOwnThread { () throws -> Runtime in
            try JS.eval("globalThis.owner = 'first'")
            return try JS.defaultRuntime
        }
        let (second, ownerSeen) = try await onOwnThread { () throws -> (Runtime, String) in
            (try JS.defaultRuntime, try JS.eval("typeof globalThis.owner", as: String.self))
        }
        #expect(first !== second)
        #expect(ownerSeen == "undefined")
    }

    @Test func aThreadThatExitsClosesItsRuntime() async throws {
        let runtime = try await onOwnThread { () throws -> Runtime in
            try JS.eval("1 + 1")
            return try JS.defaultRuntime
        }
        // The thread resumed us just before it exited: wait, bounded, for its destructor.
        for _ in 0..<1000 where !runtime.isClosed {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(runtime.isClosed)
    }

    @Test func closingTheDefaultRuntimeGivesAFreshOneOnNextUse() async throws {
        let observed = try await onOwnThread { () throws -> [String] in
            JS.closeDefaultRuntime()  // none yet: does nothing
            try JS.eval("globalThis.x = 1")
            let first = try JS.defaultRuntime
            JS.closeDefaultRuntime()
            let afterHelper = try JS.eval("typeof globalThis.x", as: String.self)
            try JS.eval("globalThis.x = 2")
            let second = try JS.defaultRuntime
            try JS.defaultRuntime.close()
            let afterClose = try JS.eval("typeof globalThis.x", as: String.self)
            let third = try JS.defaultRuntime
            return [
                "\(first.isClosed)", afterHelper, "\(first !== second)", "\(second.isClosed)", afterClose,
                "\(third !== second)", "\(third.isClosed)",
            ]
        }
        #expect(observed == ["true", "undefined", "true", "true", "undefined", "true", "false"])
    }

    @Test func theDefaultRuntimeIsIndependentOfExplicitRuntimes() async throws {
        let observed = try await onOwnThread { () throws -> [String] in
            try JS.eval("globalThis.x = 'default'")
            let explicit = try Runtime()
            let seenByExplicit = try explicit.eval("typeof globalThis.x", as: String.self)
            try explicit.eval("globalThis.x = 'explicit'")
            let seenByDefault = try JS.eval("x", as: String.self)
            explicit.close()
            let stillOpen = try JS.eval("x", as: String.self)
            return [seenByExplicit, seenByDefault, stillOpen, "\(try JS.defaultRuntime !== explicit)"]
        }
        #expect(observed == ["undefined", "default", "default", "true"])
    }

    // MARK: - Scopes

    @Test func aScopesChildTasksShareItsRuntime() async throws {
        try await JS.withRuntime {
            let mine = try JS.defaultRuntime
            async let fromAsyncLet = JS.defaultRuntime
            let fromTask = try await Task { try JS.defaultRuntime }.value
            #expect(try await fromAsyncLet === mine)
            #expect(fromTask === mine)

            let read = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    try await JS.evalAsync("globalThis.shared = 'set by a child'")
                    return nil
                }
                _ = try await group.next()
                group.addTask { try await JS.evalAsync("shared", as: String.self) }
                return try await group.next() ?? nil
            }
            #expect(read == "set by a child")
            #expect(try await JS.evalAsync("shared", as: String.self) == "set by a child")
        }
    }

    @Test func siblingScopesAreIsolated() async throws {
        async let first = Self.markAndReport("first")
        async let second = Self.markAndReport("second")
        let (a, b) = try await (first, second)
        #expect(a.runtime !== b.runtime)
        #expect(a.before == "undefined" && b.before == "undefined")
        #expect(a.after == "first" && b.after == "second")
    }

    private static func markAndReport(_ name: String) async throws -> (runtime: Runtime, before: String, after: String)
    {
        try await JS.withRuntime {
            let before = try await JS.evalAsync("typeof globalThis.mark", as: String.self)
            try await JS.evalAsync("globalThis.mark = '\(name)'")
            let after = try await JS.evalAsync("mark", as: String.self)
            return (try JS.defaultRuntime, before, after)
        }
    }

    @Test func aNestedScopeShadowsTheOuterOne() async throws {
        try await JS.withRuntime {
            try await JS.evalAsync("globalThis.level = 'outer'")
            let outer = try JS.defaultRuntime
            let inner = try await JS.withRuntime {
                #expect(try await JS.evalAsync("typeof globalThis.level", as: String.self) == "undefined")
                return try JS.defaultRuntime
            }
            #expect(inner !== outer)
            #expect(inner.isClosed)
            #expect(try JS.defaultRuntime === outer)
            #expect(try await JS.evalAsync("level", as: String.self) == "outer")
        }
    }

    @Test func theScopesRuntimeIsClosedWhenTheBodyReturns() async throws {
        let runtime = try await JS.withRuntime {
            try await JS.evalAsync("1")
            return try JS.defaultRuntime
        }
        #expect(runtime.isClosed)
    }

    @Test func theScopesRuntimeIsClosedWhenTheBodyThrows() async throws {
        struct Failure: Error {}
        var captured: Runtime?
        do {
            try await JS.withRuntime { () async throws -> Void in
                captured = try JS.defaultRuntime
                throw Failure()
            }
            Issue.record("withRuntime did not rethrow")
        } catch is Failure {}
        #expect(try #require(captured).isClosed)

        var capturedSync: Runtime?
        #expect(throws: Failure.self) {
            try JS.withRuntime { () throws -> Void in
                capturedSync = try JS.defaultRuntime
                throw Failure()
            }
        }
        #expect(try #require(capturedSync).isClosed)
    }

    @Test func theSynchronousScopeWorksOnAPlainThread() async throws {
        let (threads, scoped, value, threadsAfter) = try await onOwnThread {
            () throws -> (Runtime, Runtime, Int, Runtime) in
            let threads = try JS.defaultRuntime
            let (scoped, value) = try JS.withRuntime { () throws -> (Runtime, Int) in
                try JS.eval("var n = 41")
                return (try JS.defaultRuntime, try JS.eval("n + 1", as: Int.self))
            }
            return (threads, scoped, value, try JS.defaultRuntime)
        }
        #expect(value == 42)
        #expect(scoped !== threads)
        #expect(scoped.isClosed)
        #expect(threadsAfter === threads)  // the thread's runtime again once the scope ends
    }

    @Test func closingAScopesRuntimeEarlyGivesTheScopeAFreshOne() async throws {
        let (first, second) = try await JS.withRuntime { () async throws -> (Runtime, Runtime) in
            try await JS.evalAsync("globalThis.x = 1")
            let first = try JS.defaultRuntime
            JS.closeDefaultRuntime()
            #expect(first.isClosed)
            #expect(try await JS.evalAsync("typeof globalThis.x", as: String.self) == "undefined")
            let second = try JS.defaultRuntime
            #expect(!second.isClosed)
            return (first, second)
        }
        #expect(first !== second)
        #expect(second.isClosed)
    }

    @Test func aTaskThatOutlivesItsScopeGetsClosed() async throws {
        let (scopeEnded, signal) = AsyncStream<Void>.makeStream()
        let late = await JS.withRuntime { () async -> Task<Bool, Never> in
            Task {
                for await _ in scopeEnded { break }
                do {
                    _ = try JS.defaultRuntime
                    return false
                } catch {
                    return error as? RuntimeError == .closed
                }
            }
        }
        signal.yield()
        signal.finish()
        #expect(await late.value)
    }
}

/// Runs blocking `work` on a new thread (a `Thread`, not the cooperative pool) and awaits its
/// result. The thread exits right after it hands the result over.
private func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

@Suite struct DefaultRuntimeLimitsTests {
    @Test func theDefaultRuntimeTakesATimeoutPerCall() async throws {
        try await JS.withRuntime { () async throws -> Void in
            #expect(throws: RuntimeError.timedOut(.milliseconds(20))) {
                try JS.eval("for (;;) {}", timeout: .milliseconds(20))
            }
            await #expect(throws: RuntimeError.timedOut(.milliseconds(20))) {
                try await JS.evalAsync("new Promise(() => {})", timeout: .milliseconds(20))
            }
            #expect(try JS.eval("6 * 7", as: Int.self, timeout: .seconds(1)) == 42)
        }
    }
}

@Suite struct DefaultRuntimeBindTests {
    @Test func bindingsGoToTheScopesRuntime() async throws {
        try await JS.withRuntime { () async throws -> Void in
            try JS.bind("add") { (a: Int, b: Int) in a + b }
            try JS.bind("later") { (x: Int) async in x * 2 }
            #expect(try JS.eval("add(2, 3)", as: Int.self) == 5)
            #expect(try await JS.evalAsync("later(21)", as: Int.self) == 42)
        }
        // Another scope, another runtime: the binding is not there.
        try await JS.withRuntime { () async throws -> Void in
            #expect(try JS.eval("typeof add") == "undefined")
        }
    }
}
