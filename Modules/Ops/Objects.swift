import JSRunConvert
import JSRunIsolate

/// Objects in JavaScript, made in Swift: values and functions at any depth.
///
/// ```swift
/// try runtime.bindObject("config", ["debug": true, "version": "1.0"])
/// try runtime.bindObject("settings", Settings(theme: "dark"))          // any Encodable
/// try runtime.bindObject("api") { api in
///     try api.value("version", "2.1")
///     api.function("add") { (a: Int, b: Int) in a + b }
///     try api.object("users") { users in
///         users.function("find") { (id: String) async throws -> User in try await db.user(id) }
///     }
/// }
/// ```
///
/// The name is a path, as for `bind`. Binding again at a name replaces what was there; the
/// functions follow the rules of `bind`.
extension Runtime {
    /// Binds a JavaScript value (usually an object) at `name`. Function handles in it are the
    /// functions again.
    public func bindObject(_ name: String, _ value: JSValue) throws {
        try installValue(value, at: Self.path(of: name))
    }

    /// Binds an `Encodable` value at `name`, through ``/JSRunConvert/JSValueEncoder`` with the
    /// runtime's `conversionLimits.maxDepth`: a value nested deeper (or one that contains
    /// itself) is the encoder's `EncodingError`.
    public func bindObject<T: Encodable>(_ name: String, _ value: T) throws {
        try installValue(encoder(maxDepth: config.conversionLimits.maxDepth).encode(value), at: Self.path(of: name))
    }

    /// Binds an object built in Swift, with values, functions and nested objects.
    public func bindObject(_ name: String, _ build: (inout ObjectBuilder) throws -> Void) throws {
        var builder = ObjectBuilder(maxDepth: config.conversionLimits.maxDepth)
        try build(&builder)
        let path = try Self.path(of: name)
        try installValue(.object([:]), at: path)
        try install(builder, at: path)
    }

    private func install(_ builder: ObjectBuilder, at path: [String]) throws {
        for (key, member) in builder.members {
            let memberPath = path + [key]
            switch member {
            case .value(let value): try installValue(value, at: memberPath)
            case .function(let function): try installHostFunction(at: memberPath, function)
            case .object(let nested):
                try installValue(.object([:]), at: memberPath)
                try install(nested, at: memberPath)
            }
        }
    }
}

/// The members of an object that `bindObject(_:_:)` builds, in the order they are added. Keys
/// are property keys, used as they are.
public struct ObjectBuilder {
    @usableFromInline
    enum Member {
        case value(JSValue)
        case function(HostFunction)
        case object(ObjectBuilder)
    }

    @usableFromInline var members: [(String, Member)] = []
    /// The runtime's `conversionLimits.maxDepth`, for the values and results encoded.
    @usableFromInline let maxDepth: Int

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    /// Adds a value: a ``/JSRunConvert/JSValue`` as it is, any other `Encodable` through
    /// ``/JSRunConvert/JSValueEncoder`` with the runtime's `conversionLimits.maxDepth`.
    public mutating func value<T: Encodable>(_ key: String, _ value: T) throws {
        members.append((key, .value(try encoder(maxDepth: maxDepth).encode(value))))
    }

    /// Adds a nested object.
    public mutating func object(_ key: String, _ build: (inout ObjectBuilder) throws -> Void) rethrows {
        var nested = ObjectBuilder(maxDepth: maxDepth)
        try build(&nested)
        members.append((key, .object(nested)))
    }

    /// Adds a function of `JSValue`s, synchronous.
    public mutating func function(_ key: String, _ function: @escaping @Sendable ([JSValue]) throws -> JSValue) {
        members.append((key, .function(.sync(function))))
    }

    /// Adds a function of `JSValue`s, asynchronous.
    public mutating func function(
        _ key: String, _ function: @escaping @Sendable ([JSValue]) async throws -> JSValue
    ) {
        members.append((key, .function(.async(function))))
    }

    /// Adds a typed function, synchronous.
    @inlinable
    public mutating func function<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ key: String, _ function: @escaping @Sendable (repeat each Argument) throws -> Result
    ) {
        members.append((key, .function(typed(function, maxDepth: maxDepth))))
    }

    /// Adds a typed function, asynchronous.
    public mutating func function<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ key: String, _ function: @escaping @Sendable (repeat each Argument) async throws -> Result
    ) {
        members.append((key, .function(typed(function, maxDepth: maxDepth))))
    }
}
