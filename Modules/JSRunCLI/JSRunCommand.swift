import ArgumentParser
import Foundation
import JSRun
import Synchronization

/// `jsrun`: runs JavaScript from the command line and prints the result.
@main
struct JSRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsrun",
        abstract: "Run JavaScript in a JSRun runtime (V8) and print the result.",
        discussion: """
            Runs the code given with -c, or the file given as an argument, as a classic script \
            in a fresh runtime. The script's completion value is printed unless it is \
            undefined: strings as they are, other values the way Node's console prints them; \
            a promise is awaited first. Then, as Node does, jsrun keeps running until no timer \
            is left. An uncaught exception is printed to standard error with its JavaScript \
            stack, and the exit code is 1. So is a promise rejected with no handler, or an \
            exception thrown by a timer's callback: as Node does, jsrun then stops at once.

            A file ending in .mjs, or any file or -c code with --module, runs as an ES module \
            instead, and prints nothing itself (use --console): it may import files under its \
            own directory (or --module-root) with relative or absolute specifiers, JSON files \
            with assert { type: 'json' }, and use top-level await. An import that leads outside \
            the root is refused.

            Examples:
              jsrun -c '[1, 2, 3].map(x => x * 2)'
              jsrun Examples/scripts/demo.js
              jsrun --console app/main.mjs
              jsrun --console -c 'setTimeout(() => console.log("later"), 100); "now"'
              jsrun --timeout 0.5 -c 'while (true) {}'
              jsrun --max-heap 16 -c 'const a = []; for (;;) a.push(new Array(1e5))'
              jsrun --v8-flags='--expose-gc' -c 'typeof gc'
            """,
        version: "jsrun \(JSRunVersion.current) (V8 \(V8Platform.version))"
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("JavaScript code to run.", valueName: "code"))
    var code: String?

    @Argument(help: ArgumentHelp("A JavaScript file to run (UTF-8).", valueName: "file"))
    var file: String?

    @Option(
        name: .customLong("v8-flags"),
        help: ArgumentHelp(
            "V8 flags, as one string (e.g. '--expose-gc --stack-size=2000'; --stack-size is at most "
                + "\(V8Platform.maximumStackSize), in KiB).", valueName: "flags"))
    var v8Flags: String?

    @Option(
        help: ArgumentHelp(
            "Stop any call, and any batch of timer callbacks, that runs longer than this.", valueName: "seconds"))
    var timeout: Double?

    @Option(
        name: .customLong("max-heap"),
        help: ArgumentHelp("The most memory the JavaScript heap may use (at least 4).", valueName: "megabytes"))
    var maxHeap: Int?

    @Flag(help: "Print console.log/info/debug to standard output and console.warn/error to standard error.")
    var console = false

    @Flag(help: "Run the file (or -c code) as an ES module; a file ending in .mjs always is one.")
    var module = false

    @Option(
        name: .customLong("module-root"),
        help: ArgumentHelp(
            "The directory a module may import files from (default: the module file's directory; with -c, the "
                + "current directory).", valueName: "directory"))
    var moduleRoot: String?

    /// The longest `--timeout`, in seconds: what a `Duration` holds.
    static let longestTimeout = Double(Int64.max)

    /// The largest `--max-heap`, in megabytes: more does not fit in `Int` as bytes.
    static let largestHeap = Int.max >> 20

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a positive number of seconds, not \(timeout).")
        }
        if let timeout, timeout >= Self.longestTimeout {
            throw ValidationError(
                "--timeout must be a positive number of seconds below \(Int64.max) (the longest a Swift Duration "
                    + "holds), not \(timeout).")
        }
        if let maxHeap, maxHeap < 4 { throw ValidationError("--max-heap must be at least 4 (megabytes).") }
        if let maxHeap, maxHeap > Self.largestHeap {
            throw ValidationError(
                "--max-heap must be at most \(Self.largestHeap) (megabytes): \(maxHeap) MiB is more bytes than a "
                    + "64-bit integer holds.")
        }
        if let v8Flags {
            do {
                try V8Platform.checkFlags(v8Flags)
            } catch {
                throw ValidationError("--v8-flags: \(error)")
            }
        }
        switch (code, file) {
        case (.some, .some): throw ValidationError("Give either -c CODE or a FILE, not both.")
        case (.none, .none): throw ValidationError("Give JavaScript to run: -c CODE or a FILE.")
        default: break
        }
    }

    func run() async throws {
        if let v8Flags { try V8Platform.setFlags(v8Flags) }
        let (source, name) = try loadSource()
        let uncaught = FirstUncaughtError()
        do {
            let runtime = try Runtime(config(reportingTo: uncaught))
            uncaught.stop(runtime)
            defer { runtime.close() }
            if isModule {
                try await runModule(in: runtime, source: source)
            } else {
                let result = try await runtime.evalAsync(source, name: name)
                if !result.isUndefined { print(result.displayString) }
            }
            try await runtime.waitUntilIdle()
        } catch let error as JavaScriptError {
            printError("Uncaught \(error)")
            throw ExitCode.failure
        } catch RuntimeError.terminated where uncaught.error != nil {
            // Stopped by the uncaught error, reported below.
        } catch {
            printError("jsrun: \(error)")
            throw ExitCode.failure
        }
        if let error = uncaught.error {
            printError(error.description)
            throw ExitCode.failure
        }
    }

    /// The runtime's configuration, from the options: the first error that no call gets goes to
    /// `uncaught`, which stops the runtime.
    private func config(reportingTo uncaught: FirstUncaughtError) -> RuntimeConfig {
        RuntimeConfig(
            name: "jsrun",
            // Whole milliseconds, so that a tiny timeout is not zero; in Duration's range (see
            // validate()), which Int64 milliseconds are not.
            timeout: timeout.map { .milliseconds(($0 * 1000).rounded(.up)) },
            maxHeapSize: maxHeap.map { $0 << 20 },
            console: console ? .standardStreams : .disabled,
            onUncaughtError: { uncaught.record($0) }
        )
    }

    private var isModule: Bool { module || file?.hasSuffix(".mjs") == true }

    /// Evaluates the file (or the -c code) as an ES module whose imports are files under the
    /// module root.
    private func runModule(in runtime: Runtime, source: String) async throws {
        let entry: String
        let root: URL
        if let file {
            // The real path, so that a symlinked entry's own directory is the root.
            let path = URL(fileURLWithPath: file).resolvingSymlinksInPath()
            entry = path.path
            root = moduleRoot.map { URL(fileURLWithPath: $0) } ?? path.deletingLastPathComponent()
        } else {
            // The code is a module of its own; its relative imports start from the root.
            entry = "<eval>"
            runtime.addStaticModule(entry, source: source)
            root = URL(fileURLWithPath: moduleRoot ?? FileManager.default.currentDirectoryPath)
        }
        runtime.useFileModules(try FileModuleLoader(root: root.path))
        try await runtime.evalModuleAsync(entry)
    }

    /// The code to run and the name it has in stack traces.
    private func loadSource() throws -> (source: String, name: String) {
        if let code { return (code, "<eval>") }
        let path = file!
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("jsrun: cannot read '\(path)': no such file, or not readable")
            throw ExitCode.failure
        }
        return (String(decoding: data, as: UTF8.self), path)
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// The first error that no call of jsrun's gets (a promise rejected with no handler, a timer's
/// exception): as Node exits on it, it stops the runtime, and jsrun reports it and fails.
final class FirstUncaughtError: Sendable {
    private struct State {
        var error: UncaughtError?
        weak var runtime: Runtime?
    }
    private let state = Mutex(State())

    /// The runtime to terminate on the first error.
    func stop(_ runtime: Runtime) {
        let stopNow = state.withLock { state -> Bool in
            state.runtime = runtime
            return state.error != nil
        }
        if stopNow { runtime.terminate() }
    }

    /// Keeps the first error and terminates the runtime; on the runtime's thread.
    func record(_ error: UncaughtError) {
        let runtime = state.withLock { state -> Runtime? in
            guard state.error == nil else { return nil }
            state.error = error
            return state.runtime
        }
        runtime?.terminate()
    }

    /// The first error, if there was one.
    var error: UncaughtError? { state.withLock { $0.error } }
}
