#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Modules from the files under one directory, and nothing outside it.
///
/// ```swift
/// let files = try FileModuleLoader(root: "app")
/// runtime.useFileModules(files)
/// try runtime.evalModule("./main.mjs")   // main.mjs may import "./lib/util.js", "../app/x.js", ...
/// ```
///
/// - A relative specifier (`./x.js`, `../lib/y.js`) is resolved against the directory of the module
///   that imports it; imported by something that is not a file
///   (``JSRunIsolate/Runtime/entryReferrer``, a script, a static module), against the root.
/// - An absolute path (`/srv/app/x.js`) or a `file:` URL names that file, as in Node.
/// - A bare specifier (`lodash`) is not a file here: the resolver answers `nil`, so the static
///   modules answer it.
///
/// The answer is the `file:` URL of the file's real path (symlinks followed), which is the
/// module's `import.meta.url`. A specifier that leads outside the root, with `..` or through a
/// symlink, is refused with ``Error/outsideRoot(specifier:path:root:)``; so is a file that
/// becomes such a symlink before it is read. Nothing is added to a specifier: name the file,
/// extension included, as Node's ES modules do.
///
/// It works on paths and `file:` URLs as strings, without Foundation, like the rest of the SDK.
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

    /// Modules under `root`, a directory (relative to the current directory unless absolute;
    /// symlinks in its path are followed).
    /// - Throws: ``Error/notADirectory(_:)``.
    public init(root: String) throws {
        guard let real = Self.realPath(root), Self.isDirectory(real) else { throw Error.notADirectory(root) }
        self.root = real
    }

    /// The `file:` URL of `specifier` imported by `referrer`, or `nil` for a bare specifier.
    /// - Throws: ``Error/outsideRoot(specifier:path:root:)``; ``Error/notAFileURL(_:)`` for a
    ///   `file:` URL of another host.
    public func resolve(_ specifier: String, referrer: String) throws -> String? {
        let path: String
        if specifier.hasPrefix("file:") {
            guard let filePath = Self.path(ofFileURL: specifier) else { throw Error.notAFileURL(specifier) }
            path = filePath
        } else if specifier.hasPrefix("/") {
            path = specifier
        } else if specifier.hasPrefix("./") || specifier.hasPrefix("../") {
            path = directory(of: referrer) + "/" + specifier
        } else {
            return nil
        }
        let real = Self.canonical(Self.normalized(path))
        guard isInside(real) else { throw Error.outsideRoot(specifier: specifier, path: real, root: root) }
        return Self.fileURL(of: real)
    }

    /// The source of the file at `specifier`, a `file:` URL from ``resolve(_:referrer:)``.
    /// - Throws: ``Error``.
    public func load(_ specifier: String) throws -> String {
        guard let path = Self.path(ofFileURL: specifier) else { throw Error.notAFileURL(specifier) }
        // Checked again: the file may have become a symlink to elsewhere since it was resolved.
        guard let real = Self.realPath(path) else { throw Error.notFound(path) }
        guard isInside(real) else { throw Error.outsideRoot(specifier: specifier, path: real, root: root) }
        guard !Self.isDirectory(real) else { throw Error.unreadable(real, reason: "it is a directory") }
        let bytes = try Self.contents(of: real)
        guard let source = String(validating: bytes, as: UTF8.self) else {
            throw Error.unreadable(real, reason: "it is not UTF-8 text")
        }
        return source
    }

    /// The directory that relative specifiers of `referrer` start from.
    private func directory(of referrer: String) -> String {
        guard referrer.hasPrefix("file:"), let path = Self.path(ofFileURL: referrer) else { return root }
        return String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    }

    private func isInside(_ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    // MARK: - Paths

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

    /// The real path of `path` (absolute and normalized), or for a file that does not exist
    /// (yet), the real path of its nearest existing ancestor followed by the rest: a missing
    /// file under a symlink to elsewhere is elsewhere too.
    static func canonical(_ path: String) -> String {
        if let real = realPath(path) { return real }
        guard let slash = path.lastIndex(of: "/"), path != "/" else { return path }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let base = canonical(parent)
        return (base == "/" ? "" : base) + "/" + path[path.index(after: slash)...]
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The bytes of the file at `path`.
    private static func contents(of path: String) throws -> [UInt8] {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw Error.unreadable(path, reason: String(cString: strerror(errno))) }
        defer { close(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw Error.unreadable(path, reason: String(cString: strerror(errno)))
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    // MARK: - file: URLs

    /// `file:///the/path`, percent-encoded as URLs need (a space is `%20`).
    static func fileURL(of path: String) -> String {
        var url = "file://"
        for byte in path.utf8 {
            if urlPathBytes.contains(byte) {
                url.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                url +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return url
    }

    /// The path of a `file:` URL on this machine (`file:///p`, `file://localhost/p`, `file:/p`),
    /// percent-decoded; `nil` for anything else.
    static func path(ofFileURL url: String) -> String? {
        var rest = Substring(url)
        guard rest.hasPrefix("file:") else { return nil }
        rest = rest.dropFirst("file:".count)
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let host = rest.prefix { $0 != "/" }
            guard host.isEmpty || host == "localhost" else { return nil }
            rest = rest.dropFirst(host.count)
        }
        guard rest.hasPrefix("/") else { return nil }
        // A query or fragment is not part of the path.
        let encoded = rest.prefix { $0 != "?" && $0 != "#" }
        var bytes: [UInt8] = []
        var utf8 = encoded.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The bytes a URL path keeps as they are: unreserved characters, sub-delimiters, `:`, `@`
    /// and `/`.
    private static let urlPathBytes = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
