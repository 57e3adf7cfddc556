import JSRunConvert
import Testing

@testable import JSRunIsolate

@Suite struct AsyncTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func awaitsPromisesAndWrapsOtherValues() async throws {
        #expect(try await runtime.evalAsync("10 + 20") == 30)
        #expect(try await runtime.evalAsync("Promise.resolve(42)") == 42)
        #expect(try await runtime.evalAsync("Promise.resolve(5).then(x => x * 5)") == 25)
        #expect(try await runtime.evalAsync("(async () => { await null; return [1, 2] })()") == [1, 2])
        #expect(try await runtime.evalAsync("({ then(resolve) { resolve('thenable') } })") == "thenable")
        #expect(
            try await runtime.evalAsync("Promise.resolve({key: 'value'})", as: [String: String].self) == [
                "key": "value"
            ])
    }

    @Test func rejectionsAreJavaScriptErrors() async throws {
        let error = try await #require(throws: JavaScriptError.self) {
            try await runtime.evalAsync("Promise.reject(new Error('test error'))")
        }
        #expect(error.name == "Error")
        #expect(error.message == "test error")
        #expect(error.stack?.contains("test error") == true)

        let custom = try await #require(throws: JavaScriptError.self) {
            try await runtime.evalAsync("Promise.reject('custom error')")
        }
        #expect(custom.name == nil)
        #expect(custom.message == "Uncaught (in promise) custom error")
        #expect(custom.thrownValue == "custom error")

        let syntax = try await #require(throws: JavaScriptError.self) { try await runtime.evalAsync("await 1") }
        #expect(syntax.name == "SyntaxError")
    }

    @Test func aPendingPromiseSettlesThroughLaterWork() async throws {
        let waiting = Task { try await runtime.evalAsync("new Promise(resolve => { globalThis.finish = resolve })") }
        // Wait until the promise exists, then resolve it from a plain eval.
        while try runtime.eval("typeof finish") != "function" { await Task.yield() }
        try runtime.eval("finish('done')")
        #expect(try await waiting.value == "done")
    }

    @Test func concurrentAwaitsEachGetTheirOwnResult() async throws {
        try await withThrowingTaskGroup(of: (Int, JSValue).self) { group in
            for i in 0..<50 {
                group.addTask { (i, try await runtime.evalAsync("Promise.resolve(\(i) * 2)")) }
            }
            for try await (i, value) in group { #expect(value == .number(Double(i * 2))) }
        }
    }
}
