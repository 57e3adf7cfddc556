import JSRunIsolate

/// A module that could not be resolved, loaded, parsed or linked. It names the module as it was
/// imported (``specifier``) and who imported it (``referrer``).
///
/// ```swift
/// do {
///     try runtime.evalModule("main")
/// } catch let error as ModuleError {
///     error.reason      // .unresolved
///     error.specifier   // "./missing.js"
///     error.referrer    // "static:main"
///     print(error)      // cannot resolve module './missing.js' imported by 'static:main' at line 1, column 20: ...
/// }
/// ```
///
/// What a module throws while it is evaluated is not a `ModuleError`: it stays the
/// ``/JSRunIsolate/JavaScriptError`` it is. In JavaScript, a dynamic `import()` that fails this way
/// rejects with an `Error` named `ModuleError` whose message is ``description``; uncaught, it
/// comes back to Swift as the `ModuleError` itself.
public struct ModuleError: Error, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// No resolver answered and no static module has the specifier's name.
        case unresolved
        /// The ``JSRunIsolate/Runtime/moduleResolver`` threw (``ModuleError/underlyingError``).
        case resolverFailed
        /// The specifier resolved to something that is not a static module, and no loader is set.
        case noLoader
        /// The module loader threw (``ModuleError/underlyingError``).
        case loaderFailed
        /// The source does not parse as JavaScript (or, for a JSON module, as JSON).
        case syntaxError
        /// The graph could not be linked: an import names an export that its module lacks.
        case linkFailed
        /// An import assertion asked for a module type other than `json` and `text`.
        case unsupportedType(String)
        /// A synchronous `evalModule` called on the runtime's own thread (inside a host
        /// function) needed the event loop: an async loader, or a top-level `await` that waits.
        case wouldWait
    }

    /// What went wrong.
    public var reason: Reason
    /// The module as it was imported: the import's specifier, or `evalModule`'s argument.
    public var specifier: String
    /// Who imported it: a module's URL (its fully qualified specifier), a script's name
    /// (`"<eval>"`), or ``JSRunIsolate/Runtime/entryReferrer`` for `evalModule`.
    public var referrer: String
    /// The fully qualified specifier it resolved to, when resolution got that far.
    public var resolved: String?
    /// The details: the JavaScript error's message, the resolver's or loader's error.
    public var message: String
    /// Where, counting from 1: in the module for a syntax or link error, in the referrer for
    /// an import that could not be resolved or loaded; `nil` when unknown.
    public var line: Int?
    /// The column on ``line``, counting from 1; `nil` when unknown.
    public var column: Int?
    /// The error the resolver or the loader threw.
    public var underlyingError: (any Error)?

    /// An error for `specifier`, imported by `referrer`, with the details that are known.
    public init(
        _ reason: Reason, specifier: String, referrer: String, resolved: String? = nil, message: String = "",
        line: Int? = nil, column: Int? = nil, underlyingError: (any Error)? = nil
    ) {
        self.reason = reason
        self.specifier = specifier
        self.referrer = referrer
        self.resolved = resolved
        self.message = message
        self.line = line
        self.column = column
        self.underlyingError = underlyingError
    }

    public var description: String {
        let module = resolved.map { "'\(specifier)' (resolved to '\($0)')" } ?? "'\(specifier)'"
        switch reason {
        case .unresolved:
            return "cannot resolve module '\(specifier)' \(importer): no module resolver answered and no static "
                + "module has that name (add it with addStaticModule, or set moduleResolver)"
        case .resolverFailed:
            return "cannot resolve module '\(specifier)' \(importer): the module resolver threw: \(message)"
        case .noLoader:
            return "cannot load module \(module) \(importer): it is not a static module and no module loader is set"
        case .loaderFailed:
            return "cannot load module \(module) \(importer): the module loader threw: \(message)"
        case .syntaxError:
            return "module \(module) \(importer(at: false)) does not parse: \(message)\(place)"
        case .linkFailed:
            return "cannot link module \(module) \(importer(at: false)): \(message)\(place)"
        case .unsupportedType(let type):
            return "cannot import '\(specifier)' \(importer) with assert { type: '\(type)' }: "
                + "the module types are JavaScript (no type), 'json' and 'text'"
        case .wouldWait:
            return "evalModule('\(specifier)') ran on the runtime's own thread (inside a host function), and the "
                + "module needs the event loop (an async module loader, or a top-level await that waits): call it "
                + "from another thread, or use evalModuleAsync"
        }
    }

    /// "imported by 'url' at line 1, column 20", or "given to evalModule".
    private var importer: String { importer(at: true) }

    private func importer(at withPlace: Bool) -> String {
        guard referrer != Runtime.entryReferrer else { return "given to evalModule" }
        let at = withPlace && line != nil ? " at line \(line!), column \(column ?? 0)" : ""
        return "imported by '\(referrer)'\(at)"
    }

    /// " (line 2, column 9)" for errors inside the module.
    private var place: String {
        line.map { " (line \($0), column \(column ?? 0))" } ?? ""
    }
}
