import CJSRunV8
import JSRunConvert
import Synchronization

/// A Swift function that JavaScript can call: the hook `JSRunOps` builds its bindings on.
@usableFromInline
package enum HostFunction: Sendable {
    /// Runs on the runtime's thread; JavaScript gets its value at once.
    case sync(@Sendable ([JSValue]) throws -> JSValue)
    /// The same, reading its arguments in place (typed bindings): a call whose arguments are
    /// all primitives makes no array for them.
    case syncInPlace(@Sendable (HostArguments) throws -> JSValue)
    /// Runs on Swift's concurrency pool; JavaScript gets a promise.
    case async(@Sendable ([JSValue]) async throws -> JSValue)
}

/// The arguments of a host call where they are: the primitives the shim passed, or the values
/// decoded from V8's format. Valid only during the call, on the runtime thread.
@usableFromInline
package struct HostArguments {
    private let scalars: UnsafeBufferPointer<cv8_scalar>
    private let list: [JSValue]
    private let first: Int

    @usableFromInline
    package init(_ values: [JSValue]) {
        scalars = UnsafeBufferPointer(start: nil, count: 0)
        list = values
        first = 0
    }

    init(scalars: UnsafeBufferPointer<cv8_scalar>) {
        self.scalars = scalars
        list = []
        first = 0
    }

    private init(scalars: UnsafeBufferPointer<cv8_scalar>, list: [JSValue], first: Int) {
        self.scalars = scalars
        self.list = list
        self.first = first
    }

    /// How many arguments JavaScript passed.
    package var count: Int { (scalars.baseAddress == nil ? list.count : scalars.count) - first }

    /// Argument `index`, or `undefined` past the last, as JavaScript reads a missing argument.
    @usableFromInline
    package subscript(index: Int) -> JSValue {
        guard index < count else { return .undefined }
        return scalars.baseAddress == nil ? list[first + index] : JSValue(scalar: scalars[first + index])
    }

    /// The arguments as an array.
    package var values: [JSValue] {
        scalars.baseAddress == nil && first == 0 ? list : (0..<count).map { self[$0] }
    }

    /// The arguments after the first (an op's, after its id).
    func droppingFirst() -> HostArguments {
        HostArguments(scalars: scalars, list: list, first: min(first + 1, first + count))
    }
}

extension Runtime {
    /// Installs `function` at `path` (property names from `globalThis`, the last one the
    /// function's). The names are property keys, never source code.
    /// With `permission`, a call without that grant fails with ``PermissionDenied`` and never
    /// reaches the function.
    @usableFromInline
    package func installHostFunction(
        at path: [String], _ function: HostFunction, requires permission: Permission? = nil
    )
        throws
    {
        try Self.validate(path)
        let binding = Engine.HostBinding(name: path.joined(separator: "."), function: function, permission: permission)
        // Not an evaluation: no kind, so RuntimeStats does not count it.
        try engine.perform(nil, timeout: nil) { engine in try engine.install(binding, at: path) }
    }

    /// Registers an op, callable from JavaScript as `__host_op_sync__(id, ...arguments)` or, for
    /// an async one, `__host_op_async__(id, ...arguments)`; returns its id.
    package func registerOp(_ name: String, _ function: HostFunction, requires permission: Permission? = nil) throws
        -> Int
    {
        try engine.perform(nil, timeout: nil) { engine in
            try engine.registerOp(Engine.Op(name: name, function: function, permission: permission))
        }
    }
}

extension Runtime {
    /// Sets the property at `path` (from `globalThis`, creating missing objects on the way) to
    /// `value`; function handles in it are the functions again.
    package func installValue(_ value: JSValue, at path: [String]) throws {
        try Self.validate(path)
        try engine.perform(nil, timeout: nil) { engine in try engine.set(value, at: path) }
    }

    /// A property path for the shim: one or more names, none empty.
    private static func validate(_ path: [String]) throws {
        guard !path.isEmpty, !path.contains(where: \.isEmpty) else {
            throw RuntimeError.conversion("a binding's path needs one or more non-empty names, not \(path)")
        }
    }
}

extension Engine {
    /// The host functions of this runtime, its ops, and the Swift errors JavaScript holds; on
    /// the runtime thread.
    struct HostState {
        /// Kept alive here: the shim holds their addresses.
        var bindings: [HostBinding] = []
        var ops: [Op] = []
        /// Swift errors thrown into JavaScript, kept so that one coming back unchanged is the
        /// original again. The oldest are dropped past `keptErrors`.
        var errors: [UInt32: KeptError] = [:]
        var errorOrder: [UInt32] = []
        var nextErrorID: UInt32 = 1
    }

    static let keptErrors = 1_000

    /// A Swift error thrown into JavaScript, with the name and message JavaScript got for it: if
    /// they come back as they were, the exception is the Swift error again.
    struct KeptError {
        var error: any Error
        var name: String
        var message: String
    }

    /// A registered op.
    struct Op {
        var name: String
        var function: HostFunction
        var permission: Permission?
    }

    /// What a bound V8 function calls: a host function, or the dispatcher of ops. The shim
    /// passes its address back with each call, so that a call finds it without a lookup.
    final class HostBinding: Sendable {
        let name: String
        /// `nil` for the dispatcher of ops.
        let function: HostFunction?
        let permission: Permission?
        /// Whether JavaScript gets a promise.
        let isAsync: Bool

        init(name: String, function: HostFunction, permission: Permission?) {
            self.name = name
            self.function = function
            self.permission = permission
            if case .async = function { isAsync = true } else { isAsync = false }
        }

        init(opDispatcherIsAsync isAsync: Bool) {
            name = isAsync ? "__host_op_async__" : "__host_op_sync__"
            function = nil
            permission = nil
            self.isAsync = isAsync
        }
    }

    /// A TypeError the runtime raises in JavaScript (an unknown op, a wrong entry point).
    struct HostTypeError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    fileprivate func registerOp(_ op: Op) throws -> Int {
        host.ops.append(op)
        return host.ops.count
    }

    /// Installs `__host_op_sync__` and `__host_op_async__`, when the runtime is created: a call
    /// with an id that no op has is a TypeError, before any op is registered too (not a
    /// ReferenceError for a missing global).
    func installOpDispatchers() throws {
        try install(Self.syncOpDispatcher, at: ["__host_op_sync__"], keeping: false)
        try install(Self.asyncOpDispatcher, at: ["__host_op_async__"], keeping: false)
    }

    /// The dispatchers of ops, the same for every runtime (they hold nothing of one): made once,
    /// so a runtime's creation allocates nothing for them.
    private static let syncOpDispatcher = HostBinding(opDispatcherIsAsync: false)
    private static let asyncOpDispatcher = HostBinding(opDispatcherIsAsync: true)

    /// Installs `binding` at `path`; `keeping` it alive for the runtime's life (a static one
    /// lives anyway).
    fileprivate func install(_ binding: HostBinding, at path: [String], keeping: Bool = true) throws {
        if keeping { host.bindings.append(binding) }
        let address = Unmanaged.passUnretained(binding).toOpaque()
        try check(
            withPath(path) { names, lengths in
                cv8_bind(isolate, names, lengths, path.count, address, binding.isAsync)
            })
    }

    fileprivate func set(_ value: JSValue, at path: [String]) throws {
        var bytes: [UInt8] = []
        do {
            try V8ValueWriter.encode(value, into: &bytes, limits: config.conversionLimits, functionID: functionID)
        } catch {
            throw RuntimeError.conversion(error.description)
        }
        try check(
            withPath(path) { names, lengths in
                bytes.withUnsafeBufferPointer { data in
                    cv8_set(isolate, names, lengths, path.count, data.baseAddress, data.count)
                }
            })
    }

    /// Throws the error of a shim call that answers CV8_OK with no value, or anything else.
    private func check(_ result: cv8_result) throws {
        if result.status != CV8_OK { _ = try value(of: result) }
    }

    /// Calls `body` with `path` as the shim takes it: C strings and their byte lengths, valid
    /// during the call.
    func withPath(
        _ path: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> cv8_result
    ) -> cv8_result {
        let names = path.map { Array($0.utf8CString) }
        let lengths = path.map { $0.utf8.count }
        var pointers: [UnsafePointer<CChar>?] = []
        func collect(_ index: Int) -> cv8_result {
            guard index < names.count else {
                return pointers.withUnsafeBufferPointer { pointers in
                    lengths.withUnsafeBufferPointer { body(pointers.baseAddress!, $0.baseAddress!) }
                }
            }
            return names[index].withUnsafeBufferPointer { name in
                pointers.append(name.baseAddress)
                return collect(index + 1)
            }
        }
        return collect(0)
    }

    /// JavaScript called a host function (the shim's trampoline), on the runtime thread.
    func hostCall(
        _ binding: HostBinding, _ data: UnsafePointer<UInt8>?, _ length: Int, _ scalars: UnsafePointer<cv8_scalar>?,
        _ count: Int, _ resolver: UInt32
    ) -> cv8_host_reply {
        let arguments: HostArguments
        if let scalars {
            arguments = HostArguments(scalars: UnsafeBufferPointer(start: scalars, count: count))
        } else if data == nil {
            // The shim refused the arguments for their size (see cv8_host.call).
            return reply(tooLarge(length), name: "TypeError")
        } else {
            do {
                let decoded = try V8ValueReader.decode(
                    UnsafeRawBufferPointer(start: data, count: length),
                    limits: config.conversionLimits.forReadingOnThisThread, isArgumentList: true,
                    hostObject: heldFunction)
                arguments = HostArguments(decoded.arrayValue ?? [])
            } catch {
                return reply(RuntimeError.conversion(error.description), name: "TypeError")
            }
        }
        guard let function = binding.function else { return callOp(arguments, isAsync: binding.isAsync, resolver) }
        return run(binding.name, function, binding.permission, arguments, resolver)
    }

    /// `__host_op_sync__(id, ...arguments)` or `__host_op_async__(id, ...arguments)`.
    private func callOp(_ arguments: HostArguments, isAsync: Bool, _ resolver: UInt32) -> cv8_host_reply {
        guard arguments.count > 0, let id = arguments[0].intValue, id >= 1, id <= host.ops.count else {
            let given = arguments.count > 0 ? "\(arguments[0])" : "nothing"
            return reply(HostTypeError(message: "unknown op id: \(given)"), name: "TypeError")
        }
        let op = host.ops[id - 1]
        if case .async = op.function, !isAsync {
            let message = "op '\(op.name)' (id \(id)) is async: call it with __host_op_async__"
            return reply(HostTypeError(message: message), name: "TypeError")
        }
        return run(op.name, op.function, op.permission, arguments.droppingFirst(), resolver)
    }

    /// Runs a host function for JavaScript, if the runtime has the permission it needs. A
    /// synchronous function behind an async entry settles its promise right after the call.
    private func run(
        _ name: String, _ function: HostFunction, _ permission: Permission?, _ arguments: HostArguments,
        _ resolver: UInt32
    ) -> cv8_host_reply {
        if let permission, !config.permissions.contains(permission) {
            return reply(PermissionDenied(function: name, permission: permission))
        }
        switch function {
        case .sync(let function):
            return finish(resolver) { try function(arguments.values) }
        case .syncInPlace(let function):
            return finish(resolver) { try function(arguments) }
        case .async(let function):
            // On the concurrency pool; its result settles the promise in a job (AsyncHostCalls).
            asyncCalls.start(AsyncHostCalls.Call(function: function, arguments: arguments.values, resolver: resolver))
            return Self.pending
        }
    }

    /// Runs a synchronous host function: its value is the reply, or, behind an async entry
    /// (`resolver` not 0), settles the promise right after the call.
    private func finish(_ resolver: UInt32, _ call: () throws -> JSValue) -> cv8_host_reply {
        guard resolver == 0 else {
            let result = Result { try call() }
            queue.push { engine in engine?.settleAsyncCall(resolver, with: result) }
            return Self.pending
        }
        do {
            return reply(try call())
        } catch {
            return reply(error)
        }
    }

    /// Settles the promise of a host call (async, or sync behind an async entry) with its result.
    /// Settling runs JavaScript (microtasks, a `then` getter), so it is bounded as the event
    /// loop's own work is (``forWaitingCalls(_:)``).
    func settleAsyncCall(_ resolver: UInt32, with result: Result<JSValue, any Error>) {
        forWaitingCalls { _ in
            switch result {
            case .success(let value): cv8_resolver_settle(isolate, resolver, reply(value))
            case .failure(let error): cv8_resolver_settle(isolate, resolver, reply(error))
            }
        }
    }
}

extension JSValue {
    /// A primitive argument of the fast path.
    init(scalar: cv8_scalar) {
        switch UInt32(scalar.kind) {
        case CV8_SCALAR_NULL.rawValue: self = .null
        case CV8_SCALAR_FALSE.rawValue: self = .bool(false)
        case CV8_SCALAR_TRUE.rawValue: self = .bool(true)
        case CV8_SCALAR_NUMBER.rawValue: self = .number(scalar.number)
        case CV8_SCALAR_STRING.rawValue:
            self = .string(
                String(decoding: UnsafeRawBufferPointer(start: scalar.string, count: scalar.length), as: UTF8.self))
        default: self = .undefined
        }
    }
}
