import JSRunConvert
import JSRunIsolate
import JSRunOps

/// Swift functions on the default runtime: `Runtime.bind` on ``JS/defaultRuntime``, with the
/// same rules (see the `JSRunOps` module). A binding belongs to the runtime it was made on: in a
/// `JS.withRuntime` scope, the scope's; elsewhere, the thread's.
extension JS {
    /// Binds a function of `JSValue`s, synchronous.
    public static func bind(
        _ name: String, permission: Permission? = nil, _ function: @escaping @Sendable ([JSValue]) throws -> JSValue
    ) throws {
        try defaultRuntime.bind(name, permission: permission, function)
    }

    /// Binds a function of `JSValue`s, asynchronous: JavaScript gets a promise.
    public static func bind(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable ([JSValue]) async throws -> JSValue
    )
        throws
    {
        try defaultRuntime.bind(name, permission: permission, function)
    }

    /// Binds a typed function, synchronous.
    @inlinable
    public static func bind<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable (repeat each Argument) throws -> Result
    ) throws {
        try defaultRuntime.bind(name, permission: permission, function)
    }

    /// Binds a typed function that returns nothing, synchronous.
    @inlinable
    public static func bind<each Argument: Decodable & SendableMetatype>(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable (repeat each Argument) throws -> Void
    ) throws {
        try defaultRuntime.bind(name, permission: permission, function)
    }

    /// Binds a typed function, asynchronous: JavaScript gets a promise of its result.
    public static func bind<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable (repeat each Argument) async throws -> Result
    ) throws {
        try defaultRuntime.bind(name, permission: permission, function)
    }
}
