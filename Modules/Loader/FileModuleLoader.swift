import Foundation

/// Modules from the files under one directory, and nothing outside it.
///
/// ```swift
/// let files = try FileModuleLoader(root: URL(fileURLWithPath: "app"))
/// runtime.useFileModules(files)
/// try runtime.evalModule("./main.mjs")   // main.mjs may import "./lib/util.js", "../app/x.js", ...
/// ```
///
/// - A relative specifier (`./x.js`, `../lib/y.js`) is resolved against the directory of the
///   module that imports it; imported by something that is not a file (``Runtime/entryReferrer``,
///   a script, a static module), against the root.
/// - An absolute path (`/srv/app/x.js`) or a `file:` URL names that file, as in Node.
/// - A bare specifier (`lodash`) is not a file here: the resolver answers `nil`, so the static
///   modules answer it.
///
/// The answer is the `file:` URL of the file's real path (symlinks followed), which is the
/// module's `import.meta.url`. A specifier that leads outside the root, with `..` or through a
/// symlink, is refused with ``Error/outsideRoot(specifier:path:root:)``; so is a file that
/// becomes such a symlink before it is read. Nothing is added to a specifier: name the file,
/// extension included, as Node's ES modules do.
public struct FileModuleLoader: Sendable {
    /// The real path of the root directory.
    public let root: String

    /// Why a file module was refused or could not be read.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// The specifier leads outside the root (with `..`, an absolute path, or a symlink).
        case outsideRoot(specifier: String, path: String, root: String)
        /// The root is not a directory that exists.
        case notADirectory(String)
        /// The specifier to load is not a `file:` URL.
        case notAFileURL(String)
        /// No file at this path.
        case notFound(String)
        /// The file could not be read, or is not UTF-8.
        case unreadable(String, reason: String)

        public var description: String {
            switch self {
            case .outsideRoot(let specifier, let path, let root):
                "'\(specifier)' leads to \(path), which is outside the module root \(root): refused"
            case .notADirectory(let path):
                "the module root \(path) is not a directory"
            case .notAFileURL(let specifier):
                "'\(specifier)' is not a file: URL, so it is not a file module"
            case .notFound(let path):
                "no module file at \(path)"
            case .unreadable(let path, let reason):
                "cannot read the module file \(path): \(reason)"
            }
        }
    }

    /// Modules under `root`, a directory (symlinks in its path are followed).
    /// - Throws: ``Error/notADirectory(_:)``.
    public init(root: URL) throws {
        guard let real = Self.realPath(root.path), Self.isDirectory(real) else {
            throw Error.notADirectory(root.path)
        }
        self.root = real
    }

    /// The `file:` URL of `specifier` imported by `referrer`, or `nil` for a bare specifier.
    /// - Throws: ``Error/outsideRoot(specifier:path:root:)``.
    public func resolve(_ specifier: String, referrer: String) throws -> String? {
        let path: String
        if specifier.hasPrefix("file:") {
            guard let url = URL(string: specifier), url.isFileURL else { throw Error.notAFileURL(specifier) }
            path = url.path
        } else if specifier.hasPrefix("/") {
            path = specifier
        } else if specifier.hasPrefix("./") || specifier.hasPrefix("../") {
            path = directory(of: referrer) + "/" + specifier
        } else {
            return nil
        }
        let real = Self.canonical(Self.normalized(path))
        guard isInside(real) else { throw Error.outsideRoot(specifier: specifier, path: real, root: root) }
        return URL(fileURLWithPath: real).absoluteString
    }

    /// The source of the file at `specifier`, a `file:` URL from ``resolve(_:referrer:)``.
    /// - Throws: ``Error``.
    public func load(_ specifier: String) throws -> String {
        guard let url = URL(string: specifier), url.isFileURL else { throw Error.notAFileURL(specifier) }
        // Checked again: the file may have become a symlink to elsewhere since it was resolved.
        guard let real = Self.realPath(url.path) else { throw Error.notFound(url.path) }
        guard isInside(real) else { throw Error.outsideRoot(specifier: specifier, path: real, root: root) }
        guard !Self.isDirectory(real) else { throw Error.unreadable(real, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: real) else {
            throw Error.unreadable(real, reason: "no permission, or an I/O error")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw Error.unreadable(real, reason: "it is not UTF-8 text")
        }
        return source
    }

    /// The directory that relative specifiers of `referrer` start from.
    private func directory(of referrer: String) -> String {
        guard referrer.hasPrefix("file:"), let url = URL(string: referrer), url.isFileURL else { return root }
        return url.deletingLastPathComponent().path
    }

    private func isInside(_ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// `path` with `.` and `..` taken out, lexically (`/a/b/../c` is `/a/c`; `..` at the top
    /// stays at the top, as the kernel does).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The real path of `path`, or for a file that does not exist (yet), the real path of its
    /// nearest existing ancestor followed by the rest: a missing file under a symlink to
    /// elsewhere is elsewhere too.
    static func canonical(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let parent = (path as NSString).deletingLastPathComponent
        guard parent != path else { return path }
        let base = canonical(parent)
        return (base == "/" ? "" : base) + "/" + (path as NSString).lastPathComponent
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
