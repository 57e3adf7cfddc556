import CJSRunV8
import JSRunConvert
import Synchronization

/// The runtime's side of a ``JSFunction``: the function's id in its isolate.
final class FunctionHandle: JSFunctionReference {
    let engine: Engine
    let id: UInt32
    let name: String
    private let released = Atomic<Bool>(false)

    init(engine: Engine, id: UInt32, name: String) {
        self.engine = engine
        self.id = id
        self.name = name
    }

    var isReleased: Bool { released.load(ordering: .acquiring) || engine.isClosed }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if !engine.isClosed { engine.releaseFunction(id) }
    }
}

/// Calling JavaScript functions from Swift.
///
/// ```swift
/// let add = try runtime.eval("(a, b) => a + b").function!
/// try add.call(2, 3)                       // .number(5)
/// let fetched = try runtime.eval("async (id) => ({ id })").function!
/// try await fetched.callAsync(7)           // ["id": 7], once the promise settles
/// try await add(1, 2)                      // callAsFunction: like callAsync
/// ```
///
/// The function runs on its runtime's thread, under the runtime's ``RuntimeConfig/timeout`` or
/// the call's own. Arguments are ``/JSRunConvert/JSValue``s; a ``/JSRunConvert/JSFunction``
/// among them is the original JavaScript function again.
///
/// ## The receiver
///
/// `call` and `callAsync` call the function with `this` undefined, as `const f = obj.get; f()`
/// does: a method taken from its object does not know the object any more. Give it one with
/// `call(this:)`, or call the method where it lives with
/// ``Runtime/callMethod(_:on:_:timeout:)``:
///
/// ```swift
/// try runtime.eval("globalThis.store = { v: 5, get() { return this.v }, set(v) { this.v = v } }")
/// let get = try runtime.eval("store.get").function!
/// try get.call()                                  // undefined: `this` is not store
/// try get.call(this: ["v": 7])                    // 7, read from a copy of the value
/// try runtime.callMethod("set", on: "store", 9)   // store itself is `this`: store.v is 9
/// try runtime.callMethod("get", on: "store")      // 9
/// ```
///
/// A `this` given as a ``/JSRunConvert/JSValue`` crosses into JavaScript like an argument: an
/// object or array arrives as a new copy, so the method sees its values but what it changes
/// in `this` stays in the copy; a ``/JSRunConvert/JSFunction`` is the original function. To
/// call a method on an object that lives in JavaScript, name its place with `callMethod`, or
/// let JavaScript bind it (`runtime.eval("obj.get.bind(obj)")` gives a handle whose `this` is
/// `obj`).
extension JSFunction {
    /// Calls the function and returns its result, without awaiting a promise. Blocks the
    /// calling thread until the function returns.
    /// - Throws: ``JavaScriptError`` when it throws; ``RuntimeError/functionReleased`` after
    ///   ``/JSRunConvert/JSFunction/release()``; ``RuntimeError/timedOut(_:)``; what
    ///   ``Runtime/eval(_:name:timeout:)`` throws.
    @discardableResult
    public func call(_ arguments: JSValue..., timeout: Duration? = nil) throws -> JSValue {
        try call(arguments: arguments, timeout: timeout)
    }

    /// Calls the function with an array of arguments; see ``call(_:timeout:)``.
    @discardableResult
    public func call(arguments: [JSValue], timeout: Duration? = nil) throws -> JSValue {
        let handle = try liveHandle()
        return try handle.engine.perform(.callFunctionSync, timeout: timeout) { engine in
            try engine.value(of: engine.callFunction(handle.id, arguments, awaiting: false))
        }
    }

    /// Calls the function and awaits its result like `await Promise.resolve(result)`. The
    /// calling task suspends; cancelling it stops the call with `CancellationError`.
    @discardableResult
    nonisolated(nonsending) public func callAsync(_ arguments: JSValue..., timeout: Duration? = nil) async throws
        -> JSValue
    {
        try await callAsync(arguments: arguments, timeout: timeout)
    }

    /// Calls the function with an array of arguments; see ``callAsync(_:timeout:)``.
    @discardableResult
    nonisolated(nonsending) public func callAsync(arguments: [JSValue], timeout: Duration? = nil) async throws
        -> JSValue
    {
        let handle = try liveHandle()
        return try await handle.engine.performAsync(.callFunctionAsync, timeout: timeout) { engine in
            try engine.callFunction(handle.id, arguments, awaiting: true)
        }
    }

    /// Calls the function with `this` set to `receiver` (a copy of it in JavaScript; see "The
    /// receiver" above), and returns its result without awaiting a promise; otherwise as
    /// ``call(_:timeout:)``.
    @discardableResult
    public func call(this receiver: JSValue, _ arguments: JSValue..., timeout: Duration? = nil) throws -> JSValue {
        try call(this: receiver, arguments: arguments, timeout: timeout)
    }

    /// Calls the function with `this` set to `receiver` and an array of arguments; see
    /// ``call(this:_:timeout:)``.
    @discardableResult
    public func call(this receiver: JSValue, arguments: [JSValue], timeout: Duration? = nil) throws -> JSValue {
        let handle = try liveHandle()
        return try handle.engine.perform(.callFunctionSync, timeout: timeout) { engine in
            try engine.value(of: engine.callFunction(handle.id, arguments, receiver: receiver, awaiting: false))
        }
    }

    /// Calls the function with `this` set to `receiver` (a copy of it in JavaScript; see "The
    /// receiver" above) and awaits its result; otherwise as ``callAsync(_:timeout:)``.
    @discardableResult
    nonisolated(nonsending) public func callAsync(
        this receiver: JSValue, _ arguments: JSValue..., timeout: Duration? = nil
    ) async throws -> JSValue {
        try await callAsync(this: receiver, arguments: arguments, timeout: timeout)
    }

    /// Calls the function with `this` set to `receiver` and an array of arguments, and awaits
    /// its result; see ``callAsync(this:_:timeout:)``.
    @discardableResult
    nonisolated(nonsending) public func callAsync(
        this receiver: JSValue, arguments: [JSValue], timeout: Duration? = nil
    ) async throws -> JSValue {
        let handle = try liveHandle()
        return try await handle.engine.performAsync(.callFunctionAsync, timeout: timeout) { engine in
            try engine.callFunction(handle.id, arguments, receiver: receiver, awaiting: true)
        }
    }

    /// `try await function(1, 2)`: the same as ``callAsync(_:timeout:)``.
    @discardableResult
    nonisolated(nonsending) public func callAsFunction(_ arguments: JSValue...) async throws -> JSValue {
        try await callAsync(arguments: arguments)
    }

    /// Calls the function and decodes its result into `T`; see ``call(_:timeout:)``.
    public func call<T: Decodable>(_ arguments: JSValue..., as type: T.Type, timeout: Duration? = nil) throws -> T {
        try JSValueDecoder().decode(type, from: call(arguments: arguments, timeout: timeout))
    }

    /// Calls the function, awaits and decodes its result into `T`; see ``callAsync(_:timeout:)``.
    nonisolated(nonsending) public func callAsync<T: Decodable>(
        _ arguments: JSValue..., as type: T.Type, timeout: Duration? = nil
    )
        async throws -> T
    {
        try JSValueDecoder().decode(type, from: await callAsync(arguments: arguments, timeout: timeout))
    }

    private func liveHandle() throws -> FunctionHandle {
        guard let handle = reference as? FunctionHandle else {
            throw RuntimeError.conversion("\(self) does not belong to a runtime")
        }
        if handle.engine.isClosed { throw handle.engine.endingError }
        if handle.isReleased { throw RuntimeError.functionReleased }
        return handle
    }
}

extension Runtime {
    /// Calls the method `name` of the object at `path` with that object as `this`, as
    /// `path.name(...arguments)` does in JavaScript, and returns its result without awaiting a
    /// promise.
    ///
    /// ```swift
    /// try runtime.eval("globalThis.store = { v: 5, get(k) { return this.v + k } }")
    /// try runtime.callMethod("get", on: "store", 1)               // 6
    /// try runtime.callMethod("stringify", on: "JSON", ["a": 1])    // "{\"a\":1}"
    /// ```
    ///
    /// `path` is split at dots into property names from `globalThis` (`"api.users"`), as
    /// `bind` takes names; `"globalThis"` is the global object itself. `name` is one property
    /// key, used as it is. Neither is ever source code. The values are read as JavaScript reads
    /// `api.users.find` (getters run), each time: the method runs on the object that is there
    /// now, not on a copy. The call counts as a function call in ``RuntimeStats``.
    ///
    /// - Throws: ``JavaScriptError`` when the method throws, and a `TypeError` when a value on
    ///   the way is `null` or `undefined` or the method is not a function; otherwise what
    ///   ``JSRunConvert/JSFunction/call(_:timeout:)`` throws.
    @discardableResult
    public func callMethod(_ name: String, on path: String, _ arguments: JSValue..., timeout: Duration? = nil)
        throws -> JSValue
    {
        try callMethod(name, on: path, arguments: arguments, timeout: timeout)
    }

    /// Calls the method `name` of the object at `path` with an array of arguments; see
    /// ``callMethod(_:on:_:timeout:)``.
    @discardableResult
    public func callMethod(_ name: String, on path: String, arguments: [JSValue], timeout: Duration? = nil)
        throws -> JSValue
    {
        let names = try Self.receiverPath(path, method: name)
        return try engine.perform(.callFunctionSync, timeout: timeout) { engine in
            try engine.value(of: engine.callMethod(name, on: names, arguments, awaiting: false))
        }
    }

    /// Calls the method `name` of the object at `path` with that object as `this`, and awaits
    /// its result like `await Promise.resolve(result)`; see ``callMethod(_:on:_:timeout:)``.
    /// The calling task suspends; cancelling it stops the call with `CancellationError`.
    @discardableResult
    nonisolated(nonsending) public func callMethodAsync(
        _ name: String, on path: String, _ arguments: JSValue..., timeout: Duration? = nil
    ) async throws -> JSValue {
        try await callMethodAsync(name, on: path, arguments: arguments, timeout: timeout)
    }

    /// Calls the method `name` of the object at `path` with an array of arguments, and awaits
    /// its result; see ``callMethodAsync(_:on:_:timeout:)``.
    @discardableResult
    nonisolated(nonsending) public func callMethodAsync(
        _ name: String, on path: String, arguments: [JSValue], timeout: Duration? = nil
    ) async throws -> JSValue {
        let names = try Self.receiverPath(path, method: name)
        return try await engine.performAsync(.callFunctionAsync, timeout: timeout) { engine in
            try engine.callMethod(name, on: names, arguments, awaiting: true)
        }
    }

    /// The property names of a receiver's path, none empty, and a method name that is not empty.
    private static func receiverPath(_ path: String, method: String) throws -> [String] {
        let names = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !names.contains(where: \.isEmpty), !method.isEmpty else {
            throw RuntimeError.conversion(
                "'\(path)' and '\(method)' do not name a method: the path's parts between dots and the method's "
                    + "name must not be empty (the global object is \"globalThis\")")
        }
        return names
    }
}
