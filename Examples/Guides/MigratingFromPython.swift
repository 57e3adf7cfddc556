import JSRun

/// The code of `docs/guides/MigratingFromPython.md`; see ``GettingStarted`` for how snippets are
/// marked. Each function is the Swift side of a Python example in the guide.
package enum MigratingFromPython {
    /// `with Runtime() as rt: rt.eval(...)`.
    package static func basics() throws -> (sum: Int, name: JSValue) {
        // snippet: basics
        let (sum, name) = try Runtime.with { runtime in
            try runtime.eval("const greeting = 'hi'")
            return (try runtime.eval("1 + 1", as: Int.self), try runtime.eval("greeting"))
        }  // 2, "hi"
        // end snippet
        return (sum, name)
    }

    /// `RuntimeConfig(...)`.
    package static func configuration() throws -> JSValue {
        // snippet: configuration
        let config = RuntimeConfig(
            timeout: .seconds(5),  // timeout=5
            maxHeapSize: 64 << 20,  // max_heap_size=64 * 1024 * 1024
            console: .standardStreams,  // enable_console=True
            conversionLimits: ConversionLimits(maxDepth: 100, maxBytes: 10 << 20),  // max_serialization_*
            bootstrap: "globalThis.VERSION = '1.0'"  // bootstrap=...
        )
        let runtime = try Runtime(config)
        defer { runtime.close() }
        let version = try runtime.eval("VERSION")  // "1.0"
        // end snippet
        return version
    }

    /// `rt.bind`, `bind_function`, `bind_object`.
    package static func binding() async throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: binding
        try runtime.bind("add") { (a: Int, b: Int) in a + b }  // @rt.bind def add(a, b): ...
        try runtime.bind("fetchUser") { (id: Int) async throws -> [String: String] in  // async def
            ["id": String(id), "name": "Ada"]
        }
        try runtime.bindObject("config", ["debug": true, "level": 3])  // rt.bind_object("config", {...})

        let result = try await runtime.evalAsync(
            "fetchUser(add(1, 2)).then(user => `${user.name} #${user.id} debug=${config.debug}`)")
        // "Ada #3 debug=true"
        // end snippet
        return result
    }

    /// `JsFunction`: call, `call_async`, `close`.
    package static func functions() async throws -> [JSValue] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: functions
        let double = try runtime.eval("(x) => x * 2").function!  // fn = rt.eval("(x) => x * 2")
        let ten = try double.call(5)  // fn(5)
        let slow = try runtime.eval("async (x) => x * 3").function!
        let twentyOne = try await slow.callAsync(7)  // await fn.call_async(7)
        let same = try runtime.eval("(f) => f(4)").function!.call(.function(double))  // passed back: the same function
        double.release()  // fn.close()
        // end snippet
        return [ten, twentyOne, same]
    }

    /// A method taken from an object: its receiver.
    package static func receiver() throws -> (inPlace: JSValue, bound: JSValue, copy: JSValue, unbound: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: receiver
        try runtime.eval("globalThis.counter = { n: 40, next() { return ++this.n } }")
        // jsrun calls a method taken from an object with that object as `this`. JSRun calls a
        // function with `this` undefined: call the method where it lives, or bind it first.
        let n = try runtime.callMethod("next", on: "counter")  // 41: counter.next()
        let next = try runtime.eval("counter.next.bind(counter)").function!
        let again = try next.call()  // 42
        // Or give `this` as a value: the method gets a copy of it.
        let copy = try runtime.eval("counter.next").function!.call(this: ["n": 1])  // 2
        // end snippet
        let unbound = try runtime.eval("counter.next").function!.call()
        return (n, again, copy, unbound)
    }

    /// A function that returns a promise, called without and with `callAsync`.
    package static func pendingPromise() async throws -> (sync: String, async: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: pending-promise
        var refusal = ""
        let later = try runtime.eval("() => new Promise(resolve => setTimeout(() => resolve('done'), 5))").function!
        do {
            try later.call()  // jsrun's fn() returned an awaitable here
        } catch RuntimeError.conversion(let message) {
            refusal = message  // "a Promise at $ cannot be copied: await it (evalAsync, callAsync)"
        }
        let done = try await later.callAsync()  // "done"
        // end snippet
        return (refusal, done)
    }

    /// Modules: `add_static_module`, `set_module_resolver`, `set_module_loader`, `eval_module_async`.
    package static func modules() async throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: modules
        runtime.addStaticModule("util", source: "export const twice = (x) => x * 2")  // add_static_module
        runtime.moduleResolver = { specifier, referrer in  // set_module_resolver(lambda s, r: ...)
            specifier.hasPrefix("remote/") ? "https://example.com/\(specifier)" : nil  // nil: static modules
        }
        runtime.moduleLoader = { url in  // set_module_loader(async def load(url): ...)
            "import { twice } from 'util'; export const answer = twice(21)"
        }
        let exports = try await runtime.evalModuleAsync("remote/app.js")  // await rt.eval_module_async(...)
        // ["answer": 42]
        // end snippet
        return exports
    }

    /// `register_op` and `__host_op_sync__`.
    package static func ops() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: ops
        let id = try runtime.registerOp("shout") { arguments in  // rt.register_op("shout", handler)
            .string((arguments.first?.stringValue ?? "").uppercased())
        }
        let loud = try runtime.eval("__host_op_sync__(\(id), 'hey')")  // "HEY"
        // end snippet
        return loud
    }

    /// `jsrun.eval`, `get_default_runtime`, `close_default_runtime`.
    package static func defaultRuntime() throws -> Int {
        // snippet: default-runtime
        try JS.eval("globalThis.n = 20")  // jsrun.eval(...)
        let n = try JS.eval("n + 1", as: Int.self)  // 21: the same runtime
        let runtime = try JS.defaultRuntime  // get_default_runtime()
        let closed = runtime.isClosed  // false: rt.is_closed()
        JS.closeDefaultRuntime()  // close_default_runtime()
        // end snippet
        return closed ? -1 : n
    }

    /// `except JavaScriptError`, `except RuntimeError` with "timed out" in the message.
    package static func errors() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: errors
        var seen: [String] = []
        do {
            try runtime.eval("throw new TypeError('boom')")
        } catch let error as JavaScriptError {  // except JavaScriptError as e:
            seen.append("\(error.name ?? "") \(error.message)")  // e.name, e.message: "TypeError boom"
        }
        do {
            try runtime.eval("while (true) {}", timeout: .milliseconds(20))
        } catch RuntimeError.timedOut {  // except RuntimeError as e: if "timed out" in str(e)
            seen.append("timed out")
        }
        // end snippet
        return seen
    }

    /// `undefined` and `None`, numbers and integers.
    package static func values() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: values
        let value = try runtime.eval("[undefined, null, 1, 1.5, 2n ** 64n]")
        let undefined = value[0] == .undefined  // true: jsrun.undefined
        let null = value[1] == .null  // true: None
        let one = value[2]?.intValue  // 1: a number that is integral (Python's int 1)
        let half = value[3]?.numberValue  // 1.5
        let big = value[4]?.bigIntValue  // 18446744073709551616: stays a BigInt
        // end snippet
        return ["\(undefined)", "\(null)", "\(one ?? -1)", "\(half ?? -1)", "\(big?.description ?? "")"]
    }
}
