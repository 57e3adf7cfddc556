import JSRunConvert
import JSRunIsolate

/// Swift functions in JavaScript.
///
/// ```swift
/// try runtime.bind("add") { (a: Int, b: Int) in a + b }
/// try runtime.bind("api.users.find") { (id: String) async throws -> User in try await db.user(id) }
/// try runtime.bind("raw") { (arguments: [JSValue]) in .number(Double(arguments.count)) }
/// try runtime.eval("add(2, 3)")                  // 5
/// try await runtime.evalAsync("api.users.find('ada')")
/// ```
///
/// The name is split at dots into a path from `globalThis`; missing objects on the way are
/// created. Each part is used as a property key, never pasted into JavaScript source, so any
/// name is safe (`"my-func"` is reached as `globalThis["my-func"]`).
///
/// - Typed functions take up to any number of `Decodable` arguments and return an `Encodable`
///   value, through ``/JSRunConvert/JSValueDecoder`` and ``/JSRunConvert/JSValueEncoder``. An
///   argument that does not decode is a JavaScript `TypeError` that names the argument and the
///   reason; a missing argument decodes as `undefined`, so an optional parameter gets `nil`; extra
///   arguments are ignored, as JavaScript does.
/// - A synchronous function runs on the runtime's thread, while the script waits; it may call
///   back into its own runtime (`runtime.eval`, a function handle), which runs in place.
/// - An `async` function runs on Swift's concurrency pool and JavaScript gets a promise; the
///   runtime keeps serving other work meanwhile, and closing it cancels the task.
/// - With `permission:`, a call in a runtime that was not granted it throws a JavaScript
///   `PermissionDenied` error, and the function never runs.
/// - A Swift error thrown by the function becomes a JavaScript `Error` named after the Swift
///   type, with its description as the message. If that exception comes back out of
///   JavaScript unchanged (its `name` and `message` as they were), Swift gets the original error
///   again; if JavaScript changed its name or message, Swift gets a `JavaScriptError` with them.
extension Runtime {
    /// Binds a function of `JSValue`s, synchronous.
    public func bind(
        _ name: String, permission: Permission? = nil, _ function: @escaping @Sendable ([JSValue]) throws -> JSValue
    ) throws {
        try installHostFunction(at: Self.path(of: name), .sync(function), requires: permission)
    }

    /// Binds a function of `JSValue`s, asynchronous: JavaScript gets a promise.
    public func bind(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable ([JSValue]) async throws -> JSValue
    ) throws {
        try installHostFunction(at: Self.path(of: name), .async(function), requires: permission)
    }

    /// Binds a typed function, synchronous.
    @inlinable
    public func bind<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable (repeat each Argument) throws -> Result
    ) throws {
        try installHostFunction(
            at: Self.path(of: name), typed(function, maxDepth: config.conversionLimits.maxDepth), requires: permission)
    }

    /// Binds a typed function that returns nothing (`undefined` in JavaScript), synchronous.
    @inlinable
    public func bind<each Argument: Decodable & SendableMetatype>(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable (repeat each Argument) throws -> Void
    ) throws {
        let host = HostFunction.syncInPlace { values in
            var arguments = Arguments(values)
            try function(repeat try arguments.next((each Argument).self))
            return .undefined
        }
        try installHostFunction(at: Self.path(of: name), host, requires: permission)
    }

    /// Binds a typed function, asynchronous: JavaScript gets a promise of its result.
    public func bind<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, permission: Permission? = nil,
        _ function: @escaping @Sendable (repeat each Argument) async throws -> Result
    ) throws {
        try installHostFunction(
            at: Self.path(of: name), typed(function, maxDepth: config.conversionLimits.maxDepth), requires: permission)
    }

    /// The property path a name stands for: its parts between dots.
    @usableFromInline
    static func path(of name: String) throws -> [String] {
        let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: \.isEmpty) else {
            throw RuntimeError.conversion("'\(name)' is not a binding name: its parts between dots must not be empty")
        }
        return path
    }
}

/// A typed synchronous function as a host function: arguments decoded, result encoded no
/// deeper than `maxDepth` (the runtime's limit).
@inlinable
func typed<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
    _ function: @escaping @Sendable (repeat each Argument) throws -> Result, maxDepth: Int
) -> HostFunction {
    .syncInPlace { values in
        var arguments = Arguments(values)
        return try encodeResult(function(repeat try arguments.next((each Argument).self)), maxDepth: maxDepth)
    }
}

/// A typed asynchronous function as a host function.
func typed<each Argument: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
    _ function: @escaping @Sendable (repeat each Argument) async throws -> Result, maxDepth: Int
) -> HostFunction {
    .async { values in
        var arguments = Arguments(HostArguments(values))
        return try encodeResult(await function(repeat try arguments.next((each Argument).self)), maxDepth: maxDepth)
    }
}

/// Decodes a host function's arguments one by one, in order.
@usableFromInline
struct Arguments {
    @usableFromInline let values: HostArguments
    @usableFromInline var index = 0

    @inlinable init(_ values: HostArguments) { self.values = values }

    @inlinable @inline(__always) mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
        let value = values[index]
        index += 1
        // The common scalar parameters skip the Codable machinery (a third of a call's cost for
        // `(Double) -> Double`), following JSValueDecoder's rules. The type checks compare
        // metadata, so the bit casts are exact; a dynamic cast, or a `T?` (whose metadata is
        // looked up on every call), would cost as much as the rest of the call.
        switch value {
        case .number(let number) where T.self == Double.self:
            return unsafeBitCast(number, to: T.self)
        case .number(let number) where T.self == Int.self && Int(exactly: number) != nil:
            return unsafeBitCast(Int(number), to: T.self)
        case .string(let string) where T.self == String.self:
            return unsafeBitCast(string, to: T.self)
        case .bool(let bool) where T.self == Bool.self:
            return unsafeBitCast(bool, to: T.self)
        default:
            return try Self.decode(value, as: type, argument: index)
        }
    }

    /// Argument number `argument` decoded through JSValueDecoder: the general path, kept out
    /// of line.
    @usableFromInline
    static func decode<T: Decodable>(_ value: JSValue, as type: T.Type, argument: Int) throws -> T {
        do {
            return try JSValueDecoder().decode(type, from: value)
        } catch {
            throw TypeError(argument: argument, type: "\(T.self)", reason: error)
        }
    }
}

/// A result as a JavaScript value: common scalars directly, the rest through JSValueEncoder,
/// no deeper than `maxDepth`.
@inlinable
func encodeResult<R: Encodable>(_ result: R, maxDepth: Int) throws -> JSValue {
    // The common scalars by their metadata first, without dynamic casts.
    if R.self == Double.self { return .number(unsafeBitCast(result, to: Double.self)) }
    if R.self == String.self { return .string(unsafeBitCast(result, to: String.self)) }
    if R.self == Bool.self { return .bool(unsafeBitCast(result, to: Bool.self)) }
    // Small dictionaries of scalars, a common result, by their metadata too: a dynamic cast to a
    // dictionary type costs more than the rest of the call. A dictionary's keys are unique.
    if R.self == [String: Int].self {
        let object = unsafeBitCast(result, to: [String: Int].self)
        if object.values.allSatisfy({ Double(exactly: $0) != nil }) {
            return .object(JSObject(uniqueKeys: object.keys, values: object.values.lazy.map { .number(Double($0)) }))
        }
    }
    if R.self == [String: Double].self {
        let object = unsafeBitCast(result, to: [String: Double].self)
        return .object(JSObject(uniqueKeys: object.keys, values: object.values.lazy.map { .number($0) }))
    }
    if R.self == [String: String].self {
        let object = unsafeBitCast(result, to: [String: String].self)
        return .object(JSObject(uniqueKeys: object.keys, values: object.values.lazy.map { .string($0) }))
    }
    return switch result {
    case let number as Double: .number(number)
    case let integer as Int where Double(exactly: integer) != nil: .number(Double(integer))
    case let string as String: .string(string)
    case let bool as Bool: .bool(bool)
    case let value as JSValue: value
    default: try encoder(maxDepth: maxDepth).encode(result)
    }
}

/// A JSValueEncoder with the default rules and `maxDepth`.
@usableFromInline
func encoder(maxDepth: Int) -> JSValueEncoder {
    var encoder = JSValueEncoder()
    encoder.maxDepth = maxDepth
    return encoder
}

/// An argument that does not decode into the bound function's parameter type. JavaScript sees
/// it as a `TypeError`, the name of this type.
public struct TypeError: Error, CustomStringConvertible {
    /// Which argument, counting from 1.
    public var argument: Int
    /// The parameter's Swift type.
    public var type: String
    /// Why it did not decode.
    public var reason: any Error

    public var description: String {
        let why = (reason as? DecodingError).map(Self.describe) ?? "\(reason)"
        return "argument \(argument) cannot be \(type): \(why)"
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            context.debugDescription
        @unknown default:
            "\(error)"
        }
    }
}
