import JSRunConvert
import JSRunIsolate
import Synchronization
import Testing

@testable import JSRunOps

@Suite struct OpRegistryTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func opsAreCalledByIdThroughTheHostOpFunctions() async throws {
        let add = try runtime.registerOp("add") { arguments in
            .number((arguments[0].numberValue ?? 0) + (arguments[1].numberValue ?? 0))
        }
        let later = try runtime.registerOp("later") { (arguments: [JSValue]) async throws -> JSValue in
            .string("later \(arguments.first?.stringValue ?? "")")
        }
        #expect(add != later)
        #expect(try runtime.eval("__host_op_sync__(\(add), 1, 2)") == 3)
        #expect(try await runtime.evalAsync("__host_op_async__(\(later), 'x')") == "later x")
        // A sync op may be awaited through the async entry.
        #expect(try await runtime.evalAsync("__host_op_async__(\(add), 2, 2)") == 4)
        let viaPool = try runtime.registerOp("pooled", mode: .async) { _ in "pooled" }
        #expect(try await runtime.evalAsync("__host_op_async__(\(viaPool))") == "pooled")
    }

    /// Issue "Hostile code", part 6: before any op is registered, a call with a bad id is a
    /// TypeError, not a ReferenceError because the functions are missing; in the bootstrap too.
    @Test func theOpFunctionsExistFromTheStart() async throws {
        let unknown = try runtime.eval("try { __host_op_sync__(5) } catch (e) { [e.name, e.message] }")
        #expect(unknown == ["TypeError", "unknown op id: 5"])
        let rejected = await #expect(throws: JavaScriptError.self) {
            try await runtime.evalAsync("__host_op_async__('nope')")
        }
        #expect(rejected?.name == "TypeError")
        let booted = try Runtime(
            RuntimeConfig(bootstrap: "globalThis.seen = [typeof __host_op_sync__, typeof __host_op_async__]"))
        defer { booted.close() }
        #expect(try booted.eval("seen") == ["function", "function"])
    }

    /// Binding and registering set up the runtime: they are not evaluations in the stats.
    @Test func bindingAndRegisteringAreNotCountedAsEvaluations() throws {
        try runtime.bind("f") { (x: Int) in x }
        try runtime.bind("g") { (arguments: [JSValue]) in .array(arguments) }
        try runtime.bindObject("config", ["debug": true])
        try runtime.bindObject("api") { api in api.function("h") { (_: [JSValue]) in .null } }
        try runtime.registerOp("op") { _ in .null }
        let before = try runtime.stats()
        #expect(before.evalSyncCount == 0)
        #expect(before.lastExecutionKind == nil)
        #expect(before.totalExecutionTime == .zero)
        try runtime.eval("f(1)")
        let after = try runtime.stats()
        #expect(after.evalSyncCount == 1)
        #expect(after.lastExecutionKind == .evalSync)
    }

    @Test func unknownIdsAndWrongEntriesAreTypeErrors() throws {
        let later = try runtime.registerOp("later") { (_: [JSValue]) async throws -> JSValue in .null }
        let unknown = try runtime.eval("try { __host_op_sync__(999) } catch (e) { [e.name, e.message] }")
        #expect(unknown == ["TypeError", "unknown op id: 999"])
        #expect(try runtime.eval("try { __host_op_sync__('x') } catch (e) { e.name }") == "TypeError")
        let wrong = try runtime.eval("try { __host_op_sync__(\(later)) } catch (e) { e.message }")
        #expect(wrong == .string("op 'later' (id \(later)) is async: call it with __host_op_async__"))
    }
}

@Suite struct PermissionTests {
    @Test func aCallWithoutTheGrantIsDeniedAndNeverReachesTheClosure() throws {
        let reached = Mutex(false)
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.bind("fetch", permission: .network) { (url: String) -> String in
            reached.withLock { $0 = true }
            return url
        }
        let denied = try runtime.eval("try { fetch('https://example.com') } catch (e) { [e.name, e.message] }")
        #expect(
            denied == ["PermissionDenied", "fetch needs the permission 'network', which this runtime was not granted"])
        // Uncaught, it comes back to Swift as PermissionDenied.
        let error = #expect(throws: PermissionDenied.self) { try runtime.eval("fetch('x')") }
        #expect(error?.permission == .network)
        #expect(!reached.withLock { $0 })
        // Ops too.
        let op = try runtime.registerOp("read", permission: .fileRead("/srv")) { _ in .null }
        #expect(try runtime.eval("try { __host_op_sync__(\(op)) } catch (e) { e.name }") == "PermissionDenied")
    }

    @Test func aGrantedPermissionLetsTheCallThrough() throws {
        var config = RuntimeConfig()
        config.permissions.formUnion([.network, .fileRead("/srv"), .custom("payments")])
        let runtime = try Runtime(config)
        defer { runtime.close() }
        try runtime.bind("fetch", permission: .network) { (url: String) in "got \(url)" }
        try runtime.bind("pay", permission: .custom("payments")) { (amount: Int) in amount }
        let op = try runtime.registerOp("read", permission: .fileRead("/srv")) { _ in "file" }
        #expect(try runtime.eval("[fetch('x'), pay(5), __host_op_sync__(\(op))]") == ["got x", 5, "file"])
        // A scoped permission is for its scope only.
        let other = try runtime.registerOp("readEtc", permission: .fileRead("/etc")) { _ in "secret" }
        #expect(try runtime.eval("try { __host_op_sync__(\(other)) } catch (e) { e.name }") == "PermissionDenied")
    }

    @Test func theDefaultsAreTimersAndTheConsoleAndTheyCanBeTakenAway() async throws {
        #expect(RuntimeConfig().permissions == [.timers, .console])
        var config = RuntimeConfig()
        config.permissions = []
        let runtime = try Runtime(config)
        defer { runtime.close() }
        #expect(
            try runtime.eval("[typeof setTimeout, typeof setInterval, typeof queueMicrotask]")
                == ["undefined", "undefined", "function"])
        let messages = Mutex<[String]>([])
        var silent = RuntimeConfig(console: .handler { message in messages.withLock { $0.append(message.text) } })
        silent.permissions = [.timers]
        let quiet = try Runtime(silent)
        try quiet.eval("console.log('not heard')")
        quiet.close()
        #expect(messages.withLock { $0 }.isEmpty)
    }
}
