import JSRunIsolate
import Synchronization

/// Turns a specifier, as imported by `referrer`, into a fully qualified specifier; `nil` (or
/// an empty string) falls back to the static modules. See ``JSRunIsolate/Runtime/moduleResolver``.
public typealias ModuleResolver = @Sendable (_ specifier: String, _ referrer: String) throws -> String?

/// Fetches the source of a fully qualified specifier. See ``JSRunIsolate/Runtime/moduleLoader``.
public typealias ModuleLoader = @Sendable (_ specifier: String) async throws -> String

/// Fetches the source of a fully qualified specifier, synchronously, on the runtime's thread.
/// See ``JSRunIsolate/Runtime/synchronousModuleLoader``.
public typealias SynchronousModuleLoader = @Sendable (_ specifier: String) throws -> String

/// The modules of one runtime: what the user set (static modules, resolver, loader), and the
/// graph of the modules loaded so far.
///
/// The settings are read and written from any thread, under a lock. The graph belongs to the
/// runtime's thread, the only one that calls the delegate's methods and the continuations of
/// loads, so it needs no lock (hence `@unchecked Sendable`).
final class ModuleSystem: ModuleDelegate, @unchecked Sendable {
    struct Settings {
        var staticModules: [String: String] = [:]
        var resolver: ModuleResolver?
        var loader: Loading?
    }

    enum Loading {
        case synchronous(SynchronousModuleLoader)
        case asynchronous(ModuleLoader)
    }

    let settings = Mutex(Settings())

    // The runtime thread's: the modules by key, and the keys by module id.
    private var records: [ModuleKey: Record] = [:]
    private var keys: [ModuleID: ModuleKey] = [:]

    /// A prefix that marks a static module's fully qualified specifier: `static:NAME`.
    static let staticScheme = "static:"

    // MARK: - ModuleDelegate

    func importModule(_ request: ModuleImport, _ modules: ModuleContext) {
        let root: ModuleKey
        do {
            root = try key(request.specifier, type: request.type, referrer: request.referrer, at: nil)
        } catch {
            return modules.fail(request, with: error)
        }
        GraphLoad(system: self, request: request, root: root, modules: modules).start()
    }

    func linkModule(_ specifier: String, type: String?, referrer: ModuleID) throws -> ModuleID {
        guard let key = keys[referrer], case .ready(let module)? = records[key],
            let child = module.links[Link(specifier: specifier, type: type)],
            case .ready(let linked)? = records[child]
        else {
            throw ModuleError(
                .linkFailed, specifier: specifier, referrer: keys[referrer]?.url ?? "?",
                message: "the module was not loaded before its graph was linked")
        }
        return linked.id
    }

    func resolveModule(_ specifier: String, referrer: String) throws -> String {
        try resolve(specifier, referrer: referrer, at: nil)
    }

    // MARK: - Resolution

    /// The key of `specifier` imported by `referrer`: its fully qualified specifier and type.
    func key(_ specifier: String, type: String?, referrer: String, at place: (Int, Int)?) throws(ModuleError)
        -> ModuleKey
    {
        guard let kind = ModuleKind(type: type) else {
            throw ModuleError(
                .unsupportedType(type ?? ""), specifier: specifier, referrer: referrer, line: place?.0,
                column: place?.1)
        }
        return ModuleKey(url: try resolve(specifier, referrer: referrer, at: place), kind: kind)
    }

    /// The resolver first; when it has no answer, a static module of that name (with or without
    /// `static:`).
    private func resolve(_ specifier: String, referrer: String, at place: (Int, Int)?) throws(ModuleError) -> String {
        // The resolver is the user's code: called outside the lock, which it may need itself.
        if let resolver = settings.withLock({ $0.resolver }) {
            let answer: String?
            do {
                answer = try resolver(specifier, referrer)
            } catch {
                throw ModuleError(
                    .resolverFailed, specifier: specifier, referrer: referrer, message: "\(error)", line: place?.0,
                    column: place?.1, underlyingError: error)
            }
            if let answer, !answer.isEmpty { return answer }
        }
        let name =
            specifier.hasPrefix(Self.staticScheme) ? String(specifier.dropFirst(Self.staticScheme.count)) : specifier
        guard settings.withLock({ $0.staticModules[name] != nil }) else {
            throw ModuleError(.unresolved, specifier: specifier, referrer: referrer, line: place?.0, column: place?.1)
        }
        return Self.staticScheme + name
    }

    // MARK: - Loading

    /// What a fetch gives: a source now, a source later (an async loader), or an error.
    enum Fetched {
        case now(String)
        case later(ModuleLoader)
        case failed(any Error, Reason)

        enum Reason { case noLoader, loaderFailed }
    }

    private func fetch(_ url: String) -> Fetched {
        let (source, loader) = settings.withLock { settings -> (String?, Loading?) in
            let name = url.hasPrefix(Self.staticScheme) ? String(url.dropFirst(Self.staticScheme.count)) : nil
            return (name.flatMap { settings.staticModules[$0] }, settings.loader)
        }
        if let source { return .now(source) }
        switch loader {
        case .synchronous(let load):
            do { return .now(try load(url)) } catch { return .failed(error, .loaderFailed) }
        case .asynchronous(let load):
            return .later(load)
        case nil:
            return .failed(NoLoader(), .noLoader)
        }
    }

    private struct NoLoader: Error {}

    /// A module of `load`'s graph: ready, failed, or `nil` while another load fetches it (then
    /// `waiter` gets it when it arrives).
    func obtain(
        _ item: GraphLoad.Item, _ modules: ModuleContext,
        waiter: @escaping (Result<LoadedModule, ModuleError>) -> Void
    ) -> Result<LoadedModule, ModuleError>? {
        switch records[item.key] {
        case .ready(let module):
            return .success(module)
        case .loading(let waiters):
            records[item.key] = .loading(waiters + [waiter])
            return nil
        case nil:
            break
        }
        records[item.key] = .loading([])
        switch fetch(item.key.url) {
        case .now(let source):
            let result = compile(item, source, modules)
            // A sync loader may have run a nested import that waits for this module.
            arrived(item.key, result)
            return result
        case .failed(let error, let reason):
            let result = Result<LoadedModule, ModuleError>.failure(item.failure(reason, error))
            arrived(item.key, result)
            return result
        case .later(let load):
            let source = modules.load({ try await load(item.key.url) }) { [self] source, modules in
                arrived(item.key, compile(item, source, modules))
            }
            guard let source else {
                if case .loading(let waiters)? = records[item.key] { records[item.key] = .loading(waiters + [waiter]) }
                return nil
            }
            // The loader answered without suspending.
            let result = compile(item, source, modules)
            arrived(item.key, result)
            return result
        }
    }

    /// Compiles a loader's answer.
    private func compile(_ item: GraphLoad.Item, _ source: Result<String, any Error>, _ modules: ModuleContext)
        -> Result<LoadedModule, ModuleError>
    {
        switch source {
        case .success(let source): compile(item, source, modules)
        case .failure(let error): .failure(item.failure(.loaderFailed, error))
        }
    }

    /// The module of `key`, loaded or loading.
    func record(_ key: ModuleKey) -> Record? { records[key] }

    /// Records a fetched module (or forgets a failed one: the next import tries again) and
    /// tells the loads that wait for it.
    private func arrived(_ key: ModuleKey, _ result: Result<LoadedModule, ModuleError>) {
        guard case .loading(let waiters)? = records[key] else { return }
        switch result {
        case .success(let module):
            records[key] = .ready(module)
            keys[module.id] = key
        case .failure:
            records[key] = nil
        }
        for waiter in waiters { waiter(result) }
    }

    /// Compiles a fetched source and resolves its imports.
    private func compile(_ item: GraphLoad.Item, _ source: String, _ modules: ModuleContext) -> Result<
        LoadedModule, ModuleError
    > {
        let compiled: CompiledModule
        do {
            compiled = try modules.compile(url: item.key.url, source: source, kind: item.key.kind)
        } catch let error as JavaScriptError {
            let frame = error.frames.first
            return .failure(
                ModuleError(
                    .syntaxError, specifier: item.specifier, referrer: item.referrer, resolved: item.key.url,
                    message: "\(error.name ?? "SyntaxError"): \(error.message)", line: frame?.line,
                    column: frame?.column,
                    underlyingError: error))
        } catch {
            return .failure(item.failure(.loaderFailed, error))
        }
        var module = LoadedModule(id: compiled.id, key: item.key)
        for request in compiled.requests {
            do {
                let child = try key(
                    request.specifier, type: request.type, referrer: item.key.url, at: (request.line, request.column))
                module.links[Link(specifier: request.specifier, type: request.type)] = child
                module.imports.append(
                    GraphLoad.Item(
                        key: child, specifier: request.specifier, referrer: item.key.url, line: request.line,
                        column: request.column))
            } catch {
                modules.release(compiled.id)
                return .failure(error)
            }
        }
        return .success(module)
    }
}

/// A module in the graph: its fully qualified specifier, and what its source is (the same file
/// imported as JavaScript and as JSON is two modules).
struct ModuleKey: Hashable {
    var url: String
    var kind: ModuleKind
}

/// An import of a module: its specifier and assertion type.
struct Link: Hashable {
    var specifier: String
    var type: String?
}

/// A compiled module whose imports are resolved.
struct LoadedModule {
    var id: ModuleID
    var key: ModuleKey
    var links: [Link: ModuleKey] = [:]
    var imports: [GraphLoad.Item] = []
}

enum Record {
    /// Being fetched by an async loader; the loads waiting for it.
    case loading([(Result<LoadedModule, ModuleError>) -> Void])
    case ready(LoadedModule)
}

/// The loading of one import's graph, on the runtime's thread: every module it reaches is
/// fetched (or found loaded), then the root is instantiated and evaluated.
final class GraphLoad {
    /// A module to visit, as it was imported.
    struct Item {
        var key: ModuleKey
        var specifier: String
        var referrer: String
        var line: Int?
        var column: Int?

        func failure(_ reason: ModuleSystem.Fetched.Reason, _ error: any Error) -> ModuleError {
            ModuleError(
                reason == .noLoader ? .noLoader : .loaderFailed, specifier: specifier, referrer: referrer,
                resolved: key.url, message: reason == .noLoader ? "" : "\(error)", line: line, column: column,
                underlyingError: reason == .noLoader ? nil : error)
        }
    }

    let system: ModuleSystem
    let request: ModuleImport
    let root: ModuleKey
    let modules: ModuleContext
    private var visited: Set<ModuleKey> = []
    private var worklist: [Item] = []
    /// Modules that other loads (or async loaders) are still fetching.
    private var outstanding = 0
    private var done = false

    init(system: ModuleSystem, request: ModuleImport, root: ModuleKey, modules: ModuleContext) {
        self.system = system
        self.request = request
        self.root = root
        self.modules = modules
    }

    func start() {
        visit(Item(key: root, specifier: request.specifier, referrer: request.referrer))
        drain()
    }

    private func visit(_ item: Item) {
        if visited.insert(item.key).inserted { worklist.append(item) }
    }

    /// Visits the modules reachable now (a loop, not recursion: graphs may be deep).
    private func drain() {
        while !done, let item = worklist.popLast() {
            let result = system.obtain(item, modules) { [self] result in
                outstanding -= 1
                guard !done else { return }
                switch result {
                case .success(let module): module.imports.forEach(visit)
                case .failure(let error): return fail(error)
                }
                drain()
            }
            switch result {
            case nil: outstanding += 1
            case .success(let module)?: module.imports.forEach(visit)
            case .failure(let error)?: fail(error)
            }
        }
        if !done && outstanding == 0 { complete() }
    }

    /// Every module is there: link the graph and evaluate the root.
    private func complete() {
        done = true
        guard case .ready(let module)? = system.record(root) else {
            let error = ModuleError(
                .linkFailed, specifier: request.specifier, referrer: request.referrer, resolved: root.url,
                message: "the module was not loaded with its graph")
            return modules.fail(request, with: error)
        }
        do {
            try modules.instantiate(module.id)
        } catch let error as JavaScriptError {
            let frame = error.frames.first
            return modules.fail(
                request,
                with: ModuleError(
                    .linkFailed, specifier: request.specifier, referrer: request.referrer, resolved: root.url,
                    message: "\(error.name ?? "Error"): \(error.message)"
                        + (frame.map { " (in '\($0.file ?? "?")', line \($0.line), column \($0.column))" } ?? ""),
                    underlyingError: error))
        } catch {
            return modules.fail(request, with: error)
        }
        modules.finish(request, with: module.id)
    }

    private func fail(_ error: ModuleError) {
        done = true
        modules.fail(request, with: error)
    }
}
