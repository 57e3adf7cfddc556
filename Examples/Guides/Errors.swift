import Foundation
import JSRun
import Synchronization

/// The code of `docs/guides/Errors.md`; see ``GettingStarted`` for how snippets are marked.
package enum Errors {
    /// A JavaScript exception, with its frames.
    package static func javaScriptError() throws -> JavaScriptError? {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: javascript-error
        var caught: JavaScriptError?
        try runtime.eval(
            """
            function parse(text) {
              if (!text) throw new SyntaxError('nothing to parse');
              return text;
            }
            """, name: "parser.js")

        do {
            try runtime.eval("parse('')", name: "main.js")
        } catch let error as JavaScriptError {
            caught = error
            // error.name: "SyntaxError", error.message: "nothing to parse"
            // error.frames[0]: function "parse", file "parser.js", line 2, column 20
            // error.frames[1]: file "main.js", line 1, column 1
            // "\(error)": "SyntaxError: nothing to parse" and the stack's "    at ..." lines
        }
        // end snippet
        return caught
    }

    /// A thrown value that is not an Error object.
    package static func thrownValue() throws -> JavaScriptError? {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: thrown-value
        var caught: JavaScriptError?
        do {
            try runtime.eval("throw { code: 42 }")
        } catch let error as JavaScriptError {
            caught = error
            // error.name == nil, error.message == "Uncaught [object Object]"
            // error.thrownValue == ["code": 42]
        }
        // end snippet
        return caught
    }

    /// A script that does not parse.
    package static func syntaxError() throws -> JavaScriptError? {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: syntax-error
        var caught: JavaScriptError?
        do {
            try runtime.eval("let x = ;")
        } catch let error as JavaScriptError {
            caught = error  // "SyntaxError: Unexpected token ';' (at <eval>:1:9)": one frame, where parsing stopped
        }
        // end snippet
        return caught
    }

    /// Timeouts: the call fails, the runtime lives on.
    package static func timeout() throws -> (error: RuntimeError?, after: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: timeout
        var failure: RuntimeError?
        do {
            try runtime.eval("while (true) {}", timeout: .milliseconds(50))
        } catch let error as RuntimeError {
            failure = error  // .timedOut(.milliseconds(50))
        }
        let after = try runtime.eval("1 + 1")  // 2: the runtime is still usable
        // end snippet
        return (failure, after)
    }

    /// The heap limit: the script stops, the runtime closes, the process lives on.
    package static func heapLimit() throws -> (error: RuntimeError?, isClosed: Bool, later: RuntimeError?) {
        // snippet: heap-limit
        var failure: RuntimeError?
        var later: RuntimeError?
        let runtime = try Runtime(RuntimeConfig(maxHeapSize: 16 << 20))
        do {
            try runtime.eval("const hoard = []; while (true) hoard.push(new Array(10000).fill(1))")
        } catch let error as RuntimeError {
            failure = error  // .heapLimitExceeded(16777216)
        }
        // runtime.isClosed == true: a heap at its limit is not trusted with more work
        do {
            try runtime.eval("1")
        } catch let error as RuntimeError {
            later = error  // .heapLimitExceeded(16777216) again, for every later call
        }
        // end snippet
        return (failure, runtime.isClosed, later)
    }

    /// A configuration out of range.
    package static func invalidConfiguration() throws -> RuntimeError? {
        // snippet: invalid-configuration
        var failure: RuntimeError?
        do {
            _ = try Runtime(RuntimeConfig(maxHeapSize: 1024))
        } catch let error as RuntimeError {
            failure = error  // .invalidConfiguration("maxHeapSize 1024 bytes is below the minimum of 4 MiB")
        }
        // end snippet
        return failure
    }

    /// A function handle used after it was released.
    package static func releasedFunction() throws -> RuntimeError? {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: released-function
        var failure: RuntimeError?
        let double = try runtime.eval("(x) => x * 2").function!
        double.release()  // frees the function in its runtime now, not when the handle goes away
        do {
            try double.call(1)
        } catch let error as RuntimeError {
            failure = error  // .functionReleased
        }
        // end snippet
        return failure
    }

    /// Errors of conversion, by where they happen.
    package static func conversionErrors() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: conversion-errors
        var kinds: [String] = []
        do {
            try runtime.eval("Symbol('id')")  // JavaScript to JSValue
        } catch let error as RuntimeError {
            kinds.append("\(error)")  // RuntimeError.conversion: "cannot convert the value: a Symbol at $ ..."
        }
        do {
            _ = try runtime.eval("'seven'", as: Int.self)  // JSValue to a Decodable type
        } catch let error as DecodingError {
            kinds.append("\(type(of: error))")  // DecodingError, with the path: "$: expected a number ..."
        }
        do {
            _ = try JSValueEncoder().encode(UInt64.max)  // an Encodable to JSValue
        } catch let error as EncodingError {
            kinds.append("\(type(of: error))")  // EncodingError: a number would be another integer
        }
        do {
            _ = try JSValue(v8Serialized: [0xFF, 0x0F])  // bytes in V8's format to JSValue
        } catch {
            kinds.append("\(type(of: error))")  // V8SerializationError.malformed: the data is cut short
        }
        // end snippet
        return kinds
    }

    /// Errors that no call gets, given to the runtime's hook.
    package static func uncaught() async throws -> [String] {
        // snippet: uncaught
        let heard = Mutex<[String]>([])
        let runtime = try Runtime(
            RuntimeConfig(onUncaughtError: { uncaught in
                heard.withLock { $0.append("\(uncaught.origin): \(uncaught.error.message)") }
            }))
        defer { runtime.close() }
        try runtime.eval("Promise.reject(new Error('lost')); setTimeout(() => { throw new TypeError('tick') })")
        try await runtime.waitUntilIdle()
        // heard: ["unhandledRejection: lost", "timer: tick"]
        // "\(uncaught)": "Uncaught (in promise) Error: lost" and "Uncaught TypeError: tick", with the stacks
        // end snippet
        return heard.withLock { $0 }
    }

    /// One `do` with the errors a caller usually tells apart.
    package static func whatToCatch(_ source: String, timeout: Duration = .seconds(1)) throws -> String {
        let runtime = try Runtime(RuntimeConfig(timeout: timeout))
        defer { runtime.close() }
        // snippet: what-to-catch
        func run(_ source: String) -> String {
            do {
                return try runtime.eval(source).displayString
            } catch let error as JavaScriptError {
                return "the script threw \(error.name ?? "a value"): \(error.message)"
            } catch RuntimeError.timedOut(let limit) {
                return "the script ran past \(limit)"  // the runtime is still usable
            } catch RuntimeError.conversion(let reason) {
                return "the result cannot leave JavaScript: \(reason)"
            } catch let error as RuntimeError {
                return "the runtime cannot run it: \(error)"  // closed, terminated, heap limit...
            } catch {
                return "a host function failed: \(error)"  // a Swift error from a bound function
            }
        }
        // end snippet
        return run(source)
    }
}
