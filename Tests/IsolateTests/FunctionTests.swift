import JSRunConvert
import Testing

@testable import JSRunIsolate

@Suite struct FunctionTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func aFunctionComesBackAsAHandleAndCanBeCalled() async throws {
        let multiply = try #require(try runtime.eval("(function multiply(a, b) { return a * b })").function)
        #expect(multiply.name == "multiply")
        #expect(multiply.description == "[Function: multiply]")
        #expect(try multiply.call(6, 7) == 42)
        #expect(try await multiply(2, 3) == 6)
        #expect(try multiply.call(3, 4, as: Int.self) == 12)
        #expect(try runtime.eval("() => 1").function?.description == "[Function (anonymous)]")
    }

    @Test func closuresKeepTheirState() throws {
        let next = try #require(try runtime.eval("let n = 0; () => ++n").function)
        #expect(try next.call() == 1)
        #expect(try next.call() == 2)
        #expect(try next.call() == 3)
    }

    @Test func asyncFunctionsAreAwaitedByCallAsync() async throws {
        let fetch = try #require(try runtime.eval("async (id) => ({ id, ok: true })").function)
        #expect(try await fetch.callAsync(7) == ["id": 7, "ok": true])
        let later = try #require(try runtime.eval("(x) => new Promise(r => setTimeout(() => r(x * 3), 1))").function)
        #expect(try await later.callAsync(5) == 15)
        // A synchronous call does not await: the promise cannot be converted.
        #expect(throws: RuntimeError.self) { try fetch.call(1) }
    }

    @Test func passingAHandleBackGivesTheSameFunction() throws {
        let multiply = try #require(try runtime.eval("globalThis.original = (a, b) => a * b; original").function)
        let apply = try #require(try runtime.eval("(fn, x) => [fn === original, fn(x, 3)]").function)
        #expect(try apply.call(.function(multiply), 7) == [true, 21])
        let nested = try #require(try runtime.eval("(box) => box.list[0] === original").function)
        #expect(try nested.call(["list": [.function(multiply)]]) == true)
    }

    @Test func errorsThrownByTheFunctionAreJavaScriptErrors() throws {
        let fail = try #require(try runtime.eval("(n) => { throw new TypeError('bad ' + n) }").function)
        let error = #expect(throws: JavaScriptError.self) { try fail.call(42) }
        #expect(error?.name == "TypeError")
        #expect(error?.message == "bad 42")
    }

    @Test func releasedHandlesAreAClearError() throws {
        let identity = try #require(try runtime.eval("(x) => x").function)
        #expect(try runtime.stats().openResources == 1)
        identity.release()
        identity.release()  // idempotent
        #expect(identity.isReleased)
        #expect(throws: RuntimeError.functionReleased) { try identity.call(1) }
        let keeper = try #require(try runtime.eval("(f) => typeof f").function)
        #expect(throws: RuntimeError.self) { try keeper.call(.function(identity)) }
    }

    @Test func aHandleIsReleasedWhenItsLastReferenceGoes() throws {
        do {
            let temporary = try runtime.eval("(x) => x").function
            #expect(temporary != nil)
            #expect(try runtime.stats().openResources == 1)
        }
        // The release is queued to the runtime thread; the next call runs after it.
        #expect(try runtime.eval("0") == 0)
        #expect(try runtime.stats().openResources == 0)
    }

    @Test func handlesDoNotCrossRuntimes() throws {
        let other = try Runtime()
        defer { other.close() }
        let foreign = try #require(try other.eval("() => 'other'").function)
        let take = try #require(try runtime.eval("(f) => typeof f").function)
        let error = #expect(throws: RuntimeError.self) { try take.call(.function(foreign)) }
        #expect(error?.description.contains("another runtime") == true)
    }

    @Test func callingAfterCloseIsAClearError() throws {
        let identity = try #require(try runtime.eval("(x) => x").function)
        runtime.close()
        #expect(identity.isReleased)
        #expect(throws: RuntimeError.closed) { try identity.call(1) }
    }
}
