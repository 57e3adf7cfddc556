import CJSRunV8
import JSRunConvert
import Synchronization

// The hooks the `JSRunLoader` module builds ES modules on. Isolate knows how to compile, link and
// evaluate modules in V8 (the shim's modules.cc) and when; Loader decides which source a
// specifier stands for (static modules, the resolver, the loaders) and walks the graph.

/// A module's id in its runtime's isolate.
package typealias ModuleID = UInt32

/// One import of a compiled module: an `import` declaration or an `export ... from`.
package struct ModuleRequest: Sendable, Hashable {
    package var specifier: String
    /// The `type` import assertion (`assert { type: "json" }`), or `nil`.
    package var type: String?
    /// Where the import is in its module, counting from 1.
    package var line: Int
    package var column: Int
}

/// What a module's source is, chosen by the import assertion `type`.
package enum ModuleKind: Sendable, Hashable {
    /// No `type`: JavaScript.
    case javaScript
    /// `type: "json"`: the default export is the parsed value.
    case json
    /// `type: "text"`: the default export is the source, a string.
    case text

    /// The kind an import assertion `type` asks for; `nil` for a type there is none of.
    package init?(type: String?) {
        switch type {
        case nil: self = .javaScript
        case "json": self = .json
        case "text": self = .text
        default: return nil
        }
    }

    var shim: cv8_module_kind {
        switch self {
        case .javaScript: CV8_MODULE_JAVASCRIPT
        case .json: CV8_MODULE_JSON
        case .text: CV8_MODULE_TEXT
        }
    }
}

/// A module compiled in a runtime's isolate.
package struct CompiledModule: Sendable {
    package var id: ModuleID
    package var requests: [ModuleRequest]
}

/// An import that the module loader settles with ``ModuleContext/finish(_:with:)`` or
/// ``ModuleContext/fail(_:with:)``: a dynamic `import()`, or `evalModule`'s entry module.
package struct ModuleImport: Sendable {
    let id: UInt32
    package let specifier: String
    /// The script or module that imports: its name or URL (`"."` for `evalModule`'s entry).
    package let referrer: String
    /// The `type` import assertion, or `nil`.
    package let type: String?
    /// The call it runs for (0: none), whose limits apply to the module's evaluation.
    let call: UInt64
    /// `evalModule`'s own: dropped, not evaluated, once that call no longer waits for it.
    let isEntry: Bool
}

/// What the module loader gives a runtime. Its methods are called on the runtime's thread.
package protocol ModuleDelegate: AnyObject, Sendable {
    /// Loads the graph of `request` and settles it through `modules`, now or later.
    func importModule(_ request: ModuleImport, _ modules: ModuleContext)
    /// While a graph is instantiated: the module that `specifier` stands for in `referrer`.
    func linkModule(_ specifier: String, type: String?, referrer: ModuleID) throws -> ModuleID
    /// `import.meta.resolve(specifier)` in the module whose URL is `referrer`.
    func resolveModule(_ specifier: String, referrer: String) throws -> String
}

/// A runtime's module hooks: the installed delegate, and the module loads in flight on Swift's
/// concurrency pool.
final class ModuleHooks: Sendable {
    let delegate = Mutex<(any ModuleDelegate)?>(nil)
    private let loads = Mutex<[UInt64: Task<Void, Never>]>([:])
    private let nextLoad = Atomic<UInt64>(1)

    /// No load is in flight.
    var isIdle: Bool { loads.withLock { $0.isEmpty } }

    /// Registers the task of load `key`. On the runtime thread, so before the job that ends it.
    fileprivate func begin(_ key: UInt64, _ task: Task<Void, Never>) {
        loads.withLock { $0[key] = task }
    }

    fileprivate func newKey() -> UInt64 { nextLoad.add(1, ordering: .relaxed).newValue }

    fileprivate func end(_ key: UInt64) {
        _ = loads.withLock { $0.removeValue(forKey: key) }
    }

    /// Cancels the loads in flight (the runtime is closing).
    func cancelLoads() {
        for task in loads.withLock({ loads in
            defer { loads.removeAll() }; return Array(loads.values)
        }) {
            task.cancel()
        }
    }
}

/// The module operations of a runtime's isolate, for the module loader. They must be called
/// on the runtime's thread: in a ``ModuleDelegate`` method, or in a continuation of `load`.
package struct ModuleContext: Sendable {
    let engine: Engine

    /// Compiles `source` as the module whose URL is `url`.
    /// - Throws: ``JavaScriptError``: the SyntaxError, with its place as the one frame.
    package func compile(url: String, source: String, kind: ModuleKind) throws -> CompiledModule {
        var url = url
        var source = source
        var id: ModuleID = 0
        var requests: UnsafePointer<cv8_module_request>?
        var count = 0
        let result = url.withUTF8 { name in
            source.withUTF8 { code in
                cv8_module_compile(
                    engine.isolate, name.baseAddress, name.count, code.baseAddress, code.count, kind.shim, &id,
                    &requests, &count)
            }
        }
        guard result.status == CV8_OK else {
            _ = try engine.value(of: result)
            preconditionFailure("a failed compile must throw")
        }
        return CompiledModule(
            id: id,
            requests: UnsafeBufferPointer(start: requests, count: count).map { request in
                let type = text(request.type, request.type_length)
                return ModuleRequest(
                    specifier: text(request.specifier, request.specifier_length), type: type.isEmpty ? nil : type,
                    line: Int(request.line), column: Int(request.column))
            })
    }

    /// Forgets a compiled module whose graph failed to load.
    package func release(_ module: ModuleID) {
        cv8_module_release(engine.isolate, module)
    }

    /// Instantiates `module` and its graph, linking imports through
    /// ``ModuleDelegate/linkModule(_:type:referrer:)``.
    /// - Throws: what `linkModule` threw, or the ``JavaScriptError`` of V8 (an import of an
    ///   export that does not exist).
    package func instantiate(_ module: ModuleID) throws {
        let result = cv8_module_instantiate(engine.isolate, module)
        if result.status != CV8_OK { _ = try engine.value(of: result) }
    }

    /// Evaluates `module`, instantiated, for `request`: the import settles with its namespace
    /// (or its error) when the evaluation does, top-level await included.
    package func finish(_ request: ModuleImport, with module: ModuleID) {
        settle(request) { cv8_module_import_finish(engine.isolate, request.id, module) }
    }

    /// Fails `request` with `error`: JavaScript's `import()` rejects with an Error named after
    /// its Swift type, which comes back to Swift as `error` itself.
    package func fail(_ request: ModuleImport, with error: any Error) {
        settle(request) {
            cv8_module_import_fail(engine.isolate, request.id, engine.reply(error))
            return CV8_OK
        }
    }

    /// Runs JavaScript that settles `request` under the limits of its call (see
    /// `Engine.resume`), or forgets an entry import whose call no longer waits.
    private func settle(_ request: ModuleImport, _ work: () -> cv8_status) {
        let ran = engine.resume(request.call, onlyIfWaiting: request.isEntry) {
            let status = work()
            // A heap at its limit ends the runtime; a timeout or cancellation fails the call.
            if status != CV8_OK { _ = try? engine.value(of: cv8_result(status: status)) }
        }
        if !ran { cv8_module_import_release(engine.isolate, request.id) }
    }

    /// Runs `operation` (an async module loader) while the runtime serves other work. It starts
    /// at once, on the runtime's thread, and goes on on Swift's concurrency pool from its first
    /// suspension. When it finishes without suspending (a loader that has its answer at hand),
    /// its result is returned and `continuation` is not called; otherwise `nil` is returned and
    /// `continuation` gets the result on the runtime's thread when it comes. Closing the runtime
    /// cancels the operation, and the continuation never runs. On the runtime's thread.
    package func load<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T,
        then continuation: @escaping @Sendable (Result<T, any Error>, ModuleContext) -> Void
    ) -> Result<T, any Error>? {
        let engine = self.engine
        let key = engine.modules.newKey()
        let handOff = HandOff<T>()
        let task = Task.immediate {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            if handOff.returnInline(result) { return }
            engine.queue.push { engine in
                guard let engine else { return }
                // Only now: the event loop may not count the runtime idle before this job.
                engine.modules.end(key)
                continuation(result, ModuleContext(engine: engine))
            }
        }
        if let result = handOff.started() { return result }
        // The job above runs on this thread, so after this.
        engine.modules.begin(key, task)
        return nil
    }
}

/// Tells a load's task whether its caller is still there to take the result inline.
private final class HandOff<T: Sendable>: Sendable {
    private struct State {
        var starting = true
        var result: Result<T, any Error>?
    }
    private let state = Mutex(State())

    /// From the task: keeps the result for the caller if it is still starting the task.
    func returnInline(_ result: Result<T, any Error>) -> Bool {
        state.withLock { state in
            guard state.starting else { return false }
            state.result = result
            return true
        }
    }

    /// From the caller, once the task has started: the result, if it came inline.
    func started() -> Result<T, any Error>? {
        state.withLock { state in
            state.starting = false
            return state.result
        }
    }
}

extension Runtime {
    /// The runtime's module delegate: the one installed before, else `make()`'s, installed now.
    package func moduleDelegate<Delegate: ModuleDelegate>(orInstall make: () -> Delegate) -> Delegate {
        engine.modules.delegate.withLock { installed in
            if let delegate = installed as? Delegate { return delegate }
            let delegate = make()
            installed = delegate
            return delegate
        }
    }

    /// Imports `specifier` as an entry module from `referrer`, through the module delegate, and
    /// returns its exports once evaluated. Blocks the calling thread while the event loop loads
    /// and evaluates the graph. On the runtime's own thread (inside a host function), it runs in
    /// place and throws `wouldWait` when the graph needs the event loop.
    package func evaluateModule(
        _ specifier: String, referrer: String, timeout: Duration?, wouldWait: @autoclosure () -> any Error
    ) throws -> JSValue {
        guard engine.isOnRuntimeThread else {
            return try engine.performAwaiting(.evalModuleSync, timeout: timeout) { engine in
                engine.startEntryImport(specifier, referrer: referrer, call: engine.currentCall)
            }
        }
        var result = cv8_result(status: CV8_OK)
        engine.resume(0, onlyIfWaiting: false) {
            // Call 0: a load that completes after this call gave up is dropped.
            result = engine.startEntryImport(specifier, referrer: referrer, call: 0)
        }
        if result.status == CV8_PENDING {
            cv8_promise_release(engine.isolate, result.promise)
            throw wouldWait()
        }
        return try engine.value(of: result)
    }

    /// ``evaluateModule(_:referrer:timeout:wouldWait:)`` for async callers: suspends instead.
    nonisolated(nonsending) package func evaluateModuleAsync(_ specifier: String, referrer: String, timeout: Duration?)
        async throws -> JSValue
    {
        try await engine.performAsync(.evalModuleAsync, timeout: timeout) { engine in
            engine.startEntryImport(specifier, referrer: referrer, call: engine.currentCall)
        }
    }
}

/// A dynamic `import()` in a runtime without a module delegate.
struct NoModules: Error, CustomStringConvertible {
    var specifier: String
    var description: String {
        "cannot import '\(specifier)': this runtime has no modules (add static modules, a resolver or a loader with "
            + "JSRunLoader)"
    }
}

extension Engine {
    /// Starts `evalModule`'s import: its value, or CV8_PENDING with the promise to wait for.
    fileprivate func startEntryImport(_ specifier: String, referrer: String, call: UInt64) -> cv8_result {
        var id: UInt32 = 0
        let started = cv8_module_import_new(isolate, &id)
        guard started.status == CV8_PENDING else { return started }
        startImport(
            ModuleImport(id: id, specifier: specifier, referrer: referrer, type: nil, call: call, isEntry: true))
        return cv8_promise_poll(isolate, started.promise)
    }

    private func startImport(_ request: ModuleImport) {
        let context = ModuleContext(engine: self)
        guard let delegate = modules.delegate.withLock({ $0 }) else {
            return context.fail(request, with: NoModules(specifier: request.specifier))
        }
        delegate.importModule(request, context)
    }

    /// JavaScript called `import()`: the import starts from the event loop, not inside the
    /// JavaScript that is running now, as the call that runs now (if it still does then).
    fileprivate func importDynamically(_ id: UInt32, _ specifier: String, _ referrer: String, _ type: String) {
        let request = ModuleImport(
            id: id, specifier: specifier, referrer: referrer, type: type.isEmpty ? nil : type, call: currentCall,
            isEntry: false)
        queue.push { engine in
            engine?.resume(request.call, onlyIfWaiting: false) { engine?.startImport(request) }
        }
    }

    fileprivate func linkModule(_ referrer: UInt32, _ specifier: String, _ type: String) -> cv8_host_reply {
        do {
            guard let delegate = modules.delegate.withLock({ $0 }) else { throw NoModules(specifier: specifier) }
            let module = try delegate.linkModule(specifier, type: type.isEmpty ? nil : type, referrer: referrer)
            return reply(.number(Double(module)))
        } catch {
            return reply(error)
        }
    }

    fileprivate func resolveModule(_ specifier: String, _ referrer: String) -> cv8_host_reply {
        do {
            guard let delegate = modules.delegate.withLock({ $0 }) else { throw NoModules(specifier: specifier) }
            return reply(.string(try delegate.resolveModule(specifier, referrer: referrer)))
        } catch {
            return reply(error)
        }
    }
}

extension cv8_result {
    /// A result with no data.
    fileprivate init(status: cv8_status) {
        self.init(status: status, data: nil, length: 0, promise: nil, thrown: nil, thrown_length: 0, function_id: 0)
    }
}

/// UTF-8 bytes from the shim as a String.
private func text(_ bytes: UnsafePointer<CChar>?, _ count: Int) -> String {
    guard let bytes else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
}

let importModuleCallback:
    @convention(c) (
        UnsafeMutableRawPointer?, UInt32, UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int,
        UnsafePointer<CChar>?, Int
    ) -> Void = { context, id, specifier, specifierLength, referrer, referrerLength, type, typeLength in
        Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue()
            .importDynamically(
                id, text(specifier, specifierLength), text(referrer, referrerLength), text(type, typeLength))
    }

let linkModuleCallback:
    @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int) ->
        cv8_host_reply = { context, referrer, specifier, specifierLength, type, typeLength in
            Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue()
                .linkModule(referrer, text(specifier, specifierLength), text(type, typeLength))
        }

let resolveModuleCallback:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int) ->
        cv8_host_reply = { context, specifier, specifierLength, referrer, referrerLength in
            Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue()
                .resolveModule(text(specifier, specifierLength), text(referrer, referrerLength))
        }
