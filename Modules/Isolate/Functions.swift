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
/// The function runs on its runtime's thread with `this` undefined, under the runtime's
/// ``RuntimeConfig/timeout`` or the call's own. Arguments are ``/JSRunConvert/JSValue``s; a
/// ``/JSRunConvert/JSFunction`` among them is the original JavaScript function again.
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
