import JSRun
import JSRunGuides
import Testing

/// What docs/guides/Errors.md says its snippets give.
@Suite struct ErrorsTests {
    @Test func javaScriptError() throws {
        let error = try #require(try Errors.javaScriptError())
        #expect(error.name == "SyntaxError")
        #expect(error.message == "nothing to parse")
        #expect(error.frames.first == StackFrame(function: "parse", file: "parser.js", line: 2, column: 20))
        #expect(error.frames.dropFirst().first == StackFrame(file: "main.js", line: 1, column: 1))
        #expect("\(error)" == "SyntaxError: nothing to parse\n    at parse (parser.js:2:20)\n    at main.js:1:1")
    }

    @Test func thrownValue() throws {
        let error = try #require(try Errors.thrownValue())
        #expect(error.name == nil)
        #expect(error.message == "Uncaught [object Object]")
        #expect(error.thrownValue == ["code": 42])
    }

    @Test func syntaxError() throws {
        let error = try #require(try Errors.syntaxError())
        #expect("\(error)" == "SyntaxError: Unexpected token ';' (at <eval>:1:9)")
        #expect(error.frames.count == 1)
    }

    @Test func timeout() throws {
        let (error, after) = try Errors.timeout()
        #expect(error == .timedOut(.milliseconds(50)))
        #expect(after == 2)
    }

    @Test func heapLimit() throws {
        let (error, isClosed, later) = try Errors.heapLimit()
        #expect(error == .heapLimitExceeded(16 << 20))
        #expect(isClosed)
        #expect(later == .heapLimitExceeded(16 << 20))
    }

    @Test func invalidConfiguration() throws {
        #expect(
            try Errors.invalidConfiguration()
                == .invalidConfiguration("maxHeapSize 1024 bytes is below the minimum of 4 MiB"))
    }

    @Test func releasedFunction() throws {
        #expect(try Errors.releasedFunction() == .functionReleased)
    }

    @Test func conversionErrors() throws {
        let kinds = try Errors.conversionErrors()
        #expect(kinds.count == 4)
        #expect(kinds.first?.hasPrefix("cannot convert the value: a Symbol at $") == true)
        #expect(Array(kinds.dropFirst()) == ["DecodingError", "EncodingError", "V8SerializationError"])
        do {
            _ = try JSValue(v8Serialized: [0xFF, 0x0F])
            Issue.record("the bytes were read")
        } catch {
            if case .malformed = error {} else { Issue.record("\(error)") }
        }
    }

    @Test func uncaught() async throws {
        #expect(try await Errors.uncaught() == ["unhandledRejection: lost", "timer: tick"])
    }

    @Test func whatToCatch() throws {
        #expect(try Errors.whatToCatch("6 * 7") == "42")
        #expect(
            try Errors.whatToCatch("null.x").hasPrefix("the script threw TypeError: Cannot read properties of null"))
        #expect(try Errors.whatToCatch("throw 5") == "the script threw a value: Uncaught 5")
        #expect(
            try Errors.whatToCatch("while (true) {}", timeout: .milliseconds(20)) == "the script ran past 0.02 seconds")
        #expect(try Errors.whatToCatch("Symbol()").hasPrefix("the result cannot leave JavaScript: a Symbol at $"))
    }

    /// The notes of the guide that its snippets do not show.
    @Test func rejectionsAndTheRest() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let rejected = await #expect(throws: JavaScriptError.self) { try await runtime.evalAsync("Promise.reject(7)") }
        #expect(rejected?.message == "Uncaught (in promise) 7")
        #expect(rejected?.name == nil)
        let closed = try Runtime()
        closed.close()
        #expect(throws: RuntimeError.closed) { try closed.eval("1") }
        #expect(RuntimeConfig.minimumHeapSize == 4 << 20)
    }
}
