import JSRunConvert
import JSRunIsolate

/// How JavaScript calls an op.
public enum OpMode: Sendable {
    /// `__host_op_sync__(id, ...arguments)` returns the op's value.
    case sync
    /// `__host_op_async__(id, ...arguments)` returns a promise of it.
    case async
}

/// The op registry: host functions called by id, as the reference library's ops are.
///
/// ```swift
/// let add = try runtime.registerOp("add") { arguments in
///     .number((arguments[0].numberValue ?? 0) + (arguments[1].numberValue ?? 0))
/// }
/// let fetch = try runtime.registerOp("fetch", permission: .network) { arguments async throws in ... }
/// try runtime.eval("__host_op_sync__(\(add), 1, 2)")                 // 3
/// try await runtime.evalAsync("__host_op_async__(\(fetch), 'https://…')")
/// ```
///
/// Both functions exist in every runtime from the start. An unknown id (before any op is
/// registered too), or an async op called through `__host_op_sync__`, is a JavaScript
/// `TypeError`; a sync op may be called through `__host_op_async__` too. Permissions, errors
/// and threads follow the rules of `bind`. Registering an op, like binding, is not counted as
/// an evaluation in ``/JSRunIsolate/RuntimeStats``.
extension Runtime {
    /// Registers a synchronous op and returns its id. With `mode: .async`, the handler runs on
    /// Swift's concurrency pool and JavaScript calls it through `__host_op_async__`.
    @discardableResult
    public func registerOp(
        _ name: String, mode: OpMode = .sync, permission: Permission? = nil,
        _ handler: @escaping @Sendable ([JSValue]) throws -> JSValue
    ) throws -> Int {
        let function: HostFunction =
            switch mode {
            case .sync: .sync(handler)
            case .async: .async { arguments in try handler(arguments) }
            }
        return try registerOp(name, function, requires: permission)
    }

    /// Registers an asynchronous op and returns its id: JavaScript calls it through
    /// `__host_op_async__` and gets a promise.
    @discardableResult
    public func registerOp(
        _ name: String, permission: Permission? = nil,
        _ handler: @escaping @Sendable ([JSValue]) async throws -> JSValue
    ) throws -> Int {
        try registerOp(name, .async(handler), requires: permission)
    }
}
