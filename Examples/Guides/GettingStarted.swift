import JSRun

/// The code of `docs/guides/GettingStarted.md`.
///
/// Each function runs the snippets between its `// snippet: NAME` and `// end snippet` lines,
/// which the guide shows, and returns what the guide's comments say they give, so that
/// `JSRunGuidesTests` can check both.
package enum GettingStarted {
    /// A runtime, two scripts and a result.
    package static func firstRuntime() throws -> JSValue {
        // snippet: first-runtime
        let runtime = try Runtime()
        defer { runtime.close() }

        try runtime.eval("function greet(name) { return `Hello, ${name}!` }")
        let greeting = try runtime.eval("greet('Swift')")  // .string("Hello, Swift!")
        // end snippet
        return greeting
    }

    /// What `eval` returns: a `JSValue`, read with its accessors.
    package static func readingValues() throws -> (sum: Double?, first: String?, missing: Bool) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: reading-values
        let value = try runtime.eval("({ sum: 1 + 2, names: ['Ada', 'Grace'] })")
        let sum = value["sum"]?.numberValue  // 3.0: every JavaScript number is a Double
        let first = value["names"]?[0]?.stringValue  // "Ada"
        let missing = value["age"] == nil  // true: no such property
        // end snippet
        return (sum, first, missing)
    }

    /// Results decoded into Swift types with `as:`.
    package static func typedResults() throws -> (count: Int, name: String, point: [Double], tags: [String], age: Int?)
    {
        // snippet: typed-results
        struct Point: Decodable {
            var x: Double
            var y: Double
        }

        let runtime = try Runtime()
        defer { runtime.close() }

        let count = try runtime.eval("[1, 2, 3].length", as: Int.self)  // 3
        let name = try runtime.eval("'ada'.toUpperCase()", as: String.self)  // "ADA"
        let point = try runtime.eval("({ x: 3, y: 4 })", as: Point.self)  // Point(x: 3.0, y: 4.0)
        let tags = try runtime.eval("'a,b'.split(',')", as: [String].self)  // ["a", "b"]
        let age = try runtime.eval("undefined", as: Int?.self)  // nil
        // end snippet
        return (count, name, [point.x, point.y], tags, age)
    }

    /// A value that does not fit the type asked for.
    package static func decodingError() throws -> String {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: decoding-error
        var reason = ""
        do {
            _ = try runtime.eval("({ id: 'x1' })", as: [String: Int].self)
        } catch let error as DecodingError {
            reason = "\(error)"  // ... $.id: expected a number for Int, found string ...
        }
        // end snippet
        return reason
    }

    /// Promises, awaited by `evalAsync`.
    package static func awaitingPromises() async throws -> (later: String, sum: Int) {
        // snippet: async
        let runtime = try Runtime()
        defer { runtime.close() }

        // evalAsync awaits the promise the script gives; the task suspends, no thread waits.
        let later = try await runtime.evalAsync(
            "new Promise(resolve => setTimeout(() => resolve('later'), 10))", as: String.self)  // "later"

        try runtime.eval("async function total(xs) { return xs.reduce((a, b) => a + b, 0) }")
        let sum = try await runtime.evalAsync("total([1, 2, 3])", as: Int.self)  // 6
        // end snippet
        return (later, sum)
    }

    /// A JavaScript exception, caught in Swift.
    package static func catchingExceptions() throws -> (name: String?, message: String) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: exceptions
        var caught: JavaScriptError?
        do {
            try runtime.eval("null.answer")
        } catch let error as JavaScriptError {
            caught = error  // error.name: "TypeError", error.message: "Cannot read properties of null ..."
        }
        // end snippet
        return (caught?.name, caught?.message ?? "")
    }

    /// Closing a runtime, and using one after it is closed.
    package static func closing() throws -> (closedError: Bool, isClosed: Bool) {
        // snippet: close
        var closedError = false
        let runtime = try Runtime()
        try runtime.eval("1 + 1")
        runtime.close()  // stops its JavaScript, frees the isolate and the thread; idempotent

        do {
            try runtime.eval("1 + 1")
        } catch RuntimeError.closed {
            closedError = true  // every call on a closed runtime throws this
        }
        // end snippet
        return (closedError, runtime.isClosed)
    }

    /// A runtime for the length of a closure.
    package static func scoped() throws -> Int {
        // snippet: scoped
        let sum = try Runtime.with { runtime in
            try runtime.eval("[1, 2, 3].reduce((a, b) => a + b)", as: Int.self)
        }  // 6; the runtime is closed when the closure returns or throws
        // end snippet
        return sum
    }
}
