import JSRun
import Synchronization

/// The code of `docs/guides/HostFunctions.md`; see ``GettingStarted`` for how snippets are marked.
package enum HostFunctions {
    /// Typed synchronous functions.
    package static func typed() throws -> [JSValue] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: typed
        try runtime.bind("add") { (a: Int, b: Int) in a + b }
        try runtime.bind("greet") { (name: String, excited: Bool?) in
            "Hello, \(name)" + (excited == true ? "!" : ".")
        }

        let sum = try runtime.eval("add(2, 3)")  // .number(5)
        let plain = try runtime.eval("greet('Ada')")  // "Hello, Ada.": a missing argument is nil
        let loud = try runtime.eval("greet('Ada', true, 'ignored')")  // "Hello, Ada!": extras are ignored
        // end snippet
        return [sum, plain, loud]
    }

    /// Codable types as parameters and results.
    package static func codable() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: codable
        struct Item: Codable {
            var name: String
            var price: Double
        }
        struct Total: Encodable {
            var count: Int
            var sum: Double
        }

        try runtime.bind("total") { (items: [Item]) in
            Total(count: items.count, sum: items.reduce(0) { $0 + $1.price })
        }
        let total = try runtime.eval("total([{ name: 'tea', price: 2.5 }, { name: 'cake', price: 4 }])")
        // ["count": 2, "sum": 6.5]: an object in JavaScript
        // end snippet
        return total
    }

    /// A function that returns nothing, and one of raw `JSValue`s.
    package static func untyped() throws -> (logged: [String], count: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: untyped
        let lines = Mutex<[String]>([])
        try runtime.bind("record") { (line: String) in
            lines.withLock { $0.append(line) }  // returns nothing: undefined in JavaScript
        }
        // Any arguments, as JSValues; any JSValue back.
        try runtime.bind("count") { (arguments: [JSValue]) in
            .number(Double(arguments.count))
        }

        try runtime.eval("record('started')")
        let count = try runtime.eval("count(1, 'two', [3])")  // .number(3)
        // end snippet
        return (lines.withLock { $0 }, count)
    }

    /// Async functions: JavaScript gets a promise.
    package static func async() async throws -> (isPromise: JSValue, name: String) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: async
        // Runs on Swift's concurrency pool; the runtime serves other calls while it waits.
        try runtime.bind("lookUp") { (id: Int) async throws -> String in
            try await Task.sleep(for: .milliseconds(5))  // a database, the network...
            return "user-\(id)"
        }

        let isPromise = try runtime.eval("lookUp(1) instanceof Promise")  // true
        let name = try await runtime.evalAsync("lookUp(42)", as: String.self)  // "user-42"
        // end snippet
        return (isPromise, name)
    }

    /// Names are property paths from `globalThis`, never source code.
    package static func names() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: names
        try runtime.bind("api.math.square") { (x: Double) in x * x }  // creates api and api.math
        try runtime.bind("my-func") { (x: Int) in x + 1 }  // any string: globalThis['my-func']

        let results = try runtime.eval("[api.math.square(3), globalThis['my-func'](1)]")  // [9, 2]
        // end snippet
        return results
    }

    /// Objects made in Swift.
    package static func objects() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: bind-object
        struct Settings: Encodable {
            var theme: String
            var fontSize: Int
        }

        try runtime.bindObject("limits", ["maxItems": 10, "tags": ["a", "b"]])  // a JSValue
        try runtime.bindObject("settings", Settings(theme: "dark", fontSize: 14))  // any Encodable
        try runtime.bindObject("app") { app in  // values, functions and objects at any depth
            try app.value("version", "2.1")
            app.function("double") { (x: Int) in x * 2 }
            app.object("strings") { strings in
                strings.function("upper") { (text: String) in text.uppercased() }
            }
        }

        let seen = try runtime.eval(
            "[limits.maxItems, settings.theme, app.version, app.double(21), app.strings.upper('ok')]")
        // [10, "dark", "2.1", 42, "OK"]
        // end snippet
        return seen
    }

    /// Ops: host functions called by id.
    package static func ops() async throws -> (sum: JSValue, later: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: ops
        let add = try runtime.registerOp("add") { arguments in
            .number((arguments[0].numberValue ?? 0) + (arguments[1].numberValue ?? 0))
        }
        let later = try runtime.registerOp("later") { (arguments: [JSValue]) async throws -> JSValue in
            .string("later: \(arguments[0].stringValue ?? "")")
        }

        let sum = try runtime.eval("__host_op_sync__(\(add), 1, 2)")  // .number(3)
        let text = try await runtime.evalAsync("__host_op_async__(\(later), 'x')")  // "later: x"
        // end snippet
        return (sum, text)
    }

    /// Permissions gate bindings and ops.
    package static func permissions() throws -> (caughtInJS: JSValue, inSwift: PermissionDenied?, granted: JSValue) {
        // snippet: permissions
        var denied: PermissionDenied?
        func makeRuntime(granting permissions: Set<Permission>) throws -> Runtime {
            let runtime = try Runtime(RuntimeConfig(permissions: permissions))
            try runtime.bind("fetchText", permission: .network) { (url: String) async throws -> String in
                "the body of \(url)"  // a real one would use URLSession or AsyncHTTPClient
            }
            return runtime
        }

        let sandbox = try makeRuntime(granting: Permission.defaults)  // timers and console only
        defer { sandbox.close() }
        let caught = try sandbox.eval("try { fetchText('https://example.com') } catch (e) { e.name }")
        // "PermissionDenied": the Swift closure never ran
        do {
            try sandbox.eval("fetchText('https://example.com')")
        } catch let error as PermissionDenied {
            denied = error  // error.permission == .network
        }

        let trusted = try makeRuntime(granting: Permission.defaults.union([.network]))
        defer { trusted.close() }
        let isPromise = try trusted.eval("fetchText('https://example.com') instanceof Promise")  // true
        // end snippet
        return (caught, denied, isPromise)
    }

    /// Errors across the boundary.
    package static func errors() throws -> (inJS: JSValue, amount: Int?, argument: TypeError?) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: errors
        var recovered: Int?
        var argument: TypeError?
        struct Overdrawn: Error, CustomStringConvertible {
            var amount: Int
            var description: String { "overdrawn by \(amount)" }
        }

        try runtime.bind("withdraw") { (amount: Int) throws -> Int in
            throw Overdrawn(amount: amount)
        }

        // In JavaScript: an Error named after the Swift type, with its description as message.
        let inJS = try runtime.eval("try { withdraw(5) } catch (e) { [e instanceof Error, e.name, e.message] }")
        // [true, "Overdrawn", "overdrawn by 5"]

        do {
            try runtime.eval("withdraw(7)")  // not caught in JavaScript...
        } catch let error as Overdrawn {
            recovered = error.amount  // ...so Swift gets its own error back: 7
        }

        do {
            try runtime.eval("withdraw('seven')")  // an argument that does not decode
        } catch let error as TypeError {
            argument = error  // "argument 1 cannot be Int: $: expected a number for Int, found string"
        }
        // end snippet
        return (inJS, recovered, argument)
    }

    /// Host functions that call back into their runtime.
    package static func reentrancy() throws -> [JSValue] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: reentrancy
        // A synchronous function runs on the runtime's thread: a call back into the same runtime
        // runs in place, nested in the script that called the function.
        try runtime.bind("setting") { (key: String) in
            try runtime.eval("globalThis.defaults", as: [String: String].self)[key]
        }
        try runtime.eval("globalThis.defaults = { mode: 'fast' }")
        let mode = try runtime.eval("setting('mode')")  // "fast"

        // A JavaScript function passed as an argument arrives as a handle, callable at once.
        try runtime.bind("applyTwice") { (function: JSFunction, value: Int) in
            let once = try function.call(.number(Double(value)), as: Int.self)
            return try function.call(.number(Double(once)), as: Int.self)
        }
        let twice = try runtime.eval("applyTwice(x => x * 3, 2)")  // 18
        // end snippet
        return [mode, twice]
    }
}
