import JSRunConvert
import Testing

@testable import JSRunIsolate

/// Calls with a receiver (issue "Hostile code", part 6): a method taken from an object lost its
/// `this`; `call(this:)` gives it one, and `callMethod` calls a method where it lives.
@Suite struct ReceiverTests {
    let runtime: Runtime
    init() throws {
        runtime = try Runtime()
        try runtime.eval(
            """
            globalThis.store = {
                v: 5,
                get() { return this.v },
                set(v) { this.v = v; return this },
                async later(k) { await null; return this.v + k },
                nested: { deeper: { tag: 'deep', who() { return this.tag } } },
            };
            globalThis.text = 'abc';
            """)
    }

    @Test func aMethodTakenFromItsObjectHasNoReceiver() throws {
        let get = try #require(try runtime.eval("store.get").function)
        #expect(try get.call() == .undefined)
        #expect(try get.call(this: ["v": 7]) == 7)
        #expect(try get.call(this: "a string", arguments: []) == .undefined)
        let strict = try #require(try runtime.eval("(function () { 'use strict'; return this })").function)
        #expect(try strict.call() == .undefined)
        #expect(try strict.call(this: 42) == 42)
        #expect(try strict.call(this: .null) == .null)
    }

    /// An object given as `this` is a copy: the method changes the copy, not anything of Swift's
    /// or JavaScript's. A function handle is the function itself.
    @Test func aReceiverValueIsACopyAndAFunctionHandleIsTheFunction() throws {
        let set = try #require(try runtime.eval("store.set").function)
        #expect(try set.call(this: ["v": 1], 2) == ["v": 2])
        #expect(try runtime.eval("store.v") == 5)
        let tagged = try #require(
            try runtime.eval("globalThis.tagged = function tagged() {}; tagged.tag = 'me'; tagged").function)
        let readTag = try #require(try runtime.eval("(function () { return [this === tagged, this.tag] })").function)
        #expect(try readTag.call(this: .function(tagged)) == [true, "me"])
    }

    @Test func anAsyncCallWithAReceiver() async throws {
        let later = try #require(try runtime.eval("store.later").function)
        #expect(try await later.callAsync(this: ["v": 10], 1) == 11)
        #expect(try await later.callAsync(this: ["v": 20], arguments: [2]) == 22)
    }

    @Test func aMethodCalledWhereItLives() async throws {
        #expect(try runtime.callMethod("get", on: "store") == 5)
        try runtime.callMethod("set", on: "store", 9)
        #expect(try runtime.eval("store.v") == 9)
        #expect(try runtime.callMethod("get", on: "store") == 9)
        #expect(try runtime.callMethod("who", on: "store.nested.deeper") == "deep")
        #expect(try runtime.callMethod("stringify", on: "JSON", ["a": 1]) == "{\"a\":1}")
        #expect(try runtime.callMethod("toUpperCase", on: "text") == "ABC")
        #expect(try runtime.callMethod("parseInt", on: "globalThis", arguments: ["42"]) == 42)
        #expect(try await runtime.callMethodAsync("later", on: "store", 1) == 10)
        #expect(try await runtime.callMethodAsync("get", on: "store", arguments: []) == 9)
        // A name is a key, never source.
        try runtime.eval("store['x.y'] = function () { return this.v }")
        #expect(try runtime.callMethod("x.y", on: "store") == 9)
    }

    @Test func aMethodThatIsNotThereIsATypeError() throws {
        let missing = #expect(throws: JavaScriptError.self) { try runtime.callMethod("get", on: "nothing.here") }
        #expect(missing?.name == "TypeError")
        #expect(missing?.message == "cannot read 'here' of nothing: it is undefined")
        let notAFunction = #expect(throws: JavaScriptError.self) { try runtime.callMethod("v", on: "store") }
        #expect(notAFunction?.message == "store.v is not a function")
        let onUndefined = #expect(throws: JavaScriptError.self) { try runtime.callMethod("f", on: "nothing") }
        #expect(onUndefined?.message == "cannot call nothing.f: nothing is undefined")
        #expect(throws: RuntimeError.self) { try runtime.callMethod("get", on: "") }
        #expect(throws: RuntimeError.self) { try runtime.callMethod("", on: "store") }
        try runtime.eval("store.boom = function () { throw new RangeError('boom ' + this.v) }")
        let thrown = #expect(throws: JavaScriptError.self) { try runtime.callMethod("boom", on: "store") }
        #expect(thrown?.name == "RangeError")
        #expect(thrown?.message == "boom 5")
        #expect(try runtime.eval("'still usable'") == "still usable")
    }

    @Test func callsWithAReceiverCountAsFunctionCalls() async throws {
        let get = try #require(try runtime.eval("store.get").function)
        try get.call(this: ["v": 1])
        try runtime.callMethod("get", on: "store")
        try await runtime.callMethodAsync("get", on: "store")
        let stats = try runtime.stats()
        #expect(stats.callFunctionSyncCount == 2)
        #expect(stats.callFunctionAsyncCount == 1)
    }
}
