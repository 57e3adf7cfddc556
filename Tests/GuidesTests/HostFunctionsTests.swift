import JSRun
import JSRunGuides
import Testing

/// What docs/guides/HostFunctions.md says its snippets give.
@Suite struct HostFunctionsTests {
    @Test func typed() throws {
        #expect(try HostFunctions.typed() == [5, "Hello, Ada.", "Hello, Ada!"])
    }

    @Test func codable() throws {
        #expect(try HostFunctions.codable() == ["count": 2, "sum": 6.5])
    }

    @Test func untyped() throws {
        let (logged, count) = try HostFunctions.untyped()
        #expect(logged == ["started"])
        #expect(count == 3)
    }

    @Test func async() async throws {
        let (isPromise, name) = try await HostFunctions.async()
        #expect(isPromise == true)
        #expect(name == "user-42")
    }

    @Test func names() throws {
        #expect(try HostFunctions.names() == [9, 2])
    }

    @Test func objects() throws {
        #expect(try HostFunctions.objects() == [10, "dark", "2.1", 42, "OK"])
    }

    @Test func ops() async throws {
        let (sum, later) = try await HostFunctions.ops()
        #expect(sum == 3)
        #expect(later == "later: x")
    }

    @Test func permissions() throws {
        let (caught, denied, granted) = try HostFunctions.permissions()
        #expect(caught == "PermissionDenied")
        #expect(denied?.permission == .network)
        #expect(denied?.function == "fetchText")
        #expect(granted == true)
    }

    @Test func errors() throws {
        let (inJS, amount, argument) = try HostFunctions.errors()
        #expect(inJS == [true, "Overdrawn", "overdrawn by 5"])
        #expect(amount == 7)
        #expect(argument?.description == "argument 1 cannot be Int: $: expected a number for Int, found string")
    }

    @Test func reentrancy() throws {
        #expect(try HostFunctions.reentrancy() == ["fast", 18])
    }

    /// The notes of the guide that its snippets do not show.
    @Test func theNotes() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        // The op functions exist from the start: an unknown id is a TypeError.
        #expect(try runtime.eval("[typeof __host_op_sync__, typeof __host_op_async__]") == ["function", "function"])
        #expect(try runtime.eval("try { __host_op_sync__(1) } catch (e) { e.name }") == "TypeError")
        try runtime.registerOp("one") { _ in 1 }
        #expect(try runtime.eval("__host_op_sync__(1)") == 1)
        // An untyped closure whose result is an array literal is read as a typed function.
        try runtime.bind("pair") { (arguments: [JSValue]) in [1, 2] }
        #expect(throws: TypeError.self) { try runtime.eval("pair(1, 2)") }
        // A path through a value that is not an object.
        try runtime.eval("globalThis.count = 5")
        #expect(throws: JavaScriptError.self) { try runtime.bind("count.f") { (x: Int) in x } }
        // A result that cannot be encoded is an Error named EncodingError in JavaScript.
        try runtime.bind("huge") { () -> Int64 in .max }
        #expect(try runtime.eval("try { huge() } catch (e) { e.name }") == "EncodingError")
        // A permission is checked at the call, for an async function too.
        try runtime.bind("later", permission: .network) { (x: Int) async in x }
        #expect(try runtime.eval("try { later(1); 'no throw' } catch (e) { e.name }") == "PermissionDenied")
        // A nested call runs under the outer call's limits: its own timeout is not applied.
        try runtime.bind("nested") { (_: [JSValue]) -> JSValue in
            try runtime.eval("let i = 0; while (i < 1e7) i++; i", timeout: .nanoseconds(1))
        }
        #expect(try runtime.eval("nested()") == 10_000_000)
    }

    /// A closure that captures its runtime keeps it alive.
    @Test func aClosureThatCapturesItsRuntimeKeepsItAlive() throws {
        weak var kept: Runtime?
        do {
            let runtime = try Runtime()
            kept = runtime
            try runtime.bind("again") { (_: [JSValue]) -> JSValue in try runtime.eval("1") }
        }
        #expect(kept != nil)
        kept?.close()
        // Without the capture, the last reference closes and frees it.
        weak var freed: Runtime?
        do {
            let runtime = try Runtime()
            freed = runtime
            try runtime.bind("one") { (_: [JSValue]) -> JSValue in 1 }
        }
        #expect(freed == nil)
    }
}
