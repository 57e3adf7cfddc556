import ArgumentParser
import Foundation
import JSRun

/// `jsrun`: runs JavaScript from the command line and prints the result.
@main
struct JSRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsrun",
        abstract: "Run JavaScript in a JSRun runtime (V8) and print the result.",
        discussion: """
            Runs the code given with -c, or the file given as an argument, as a classic script \
            in a fresh runtime. The script's completion value is printed unless it is \
            undefined: strings as they are, other values the way Node's console prints them. \
            An uncaught exception is printed to standard error with its JavaScript stack, and \
            the exit code is 1.

            Examples:
              jsrun -c '[1, 2, 3].map(x => x * 2)'
              jsrun Examples/scripts/demo.js
              jsrun --v8-flags='--expose-gc' -c 'typeof gc'
            """,
        version: "jsrun 0.1.0 (V8 \(V8Platform.version))"
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("JavaScript code to run.", valueName: "code"))
    var code: String?

    @Argument(help: ArgumentHelp("A JavaScript file to run (UTF-8).", valueName: "file"))
    var file: String?

    @Option(
        name: .customLong("v8-flags"),
        help: ArgumentHelp("V8 flags, as one string (e.g. '--expose-gc --stack-size=2000').", valueName: "flags"))
    var v8Flags: String?

    func validate() throws {
        switch (code, file) {
        case (.some, .some): throw ValidationError("Give either -c CODE or a FILE, not both.")
        case (.none, .none): throw ValidationError("Give JavaScript to run: -c CODE or a FILE.")
        default: break
        }
    }

    func run() throws {
        if let v8Flags { try V8Platform.setFlags(v8Flags) }
        let (source, name) = try loadSource()
        let runtime = try Runtime(RuntimeConfig(name: "jsrun"))
        defer { runtime.close() }
        do {
            let result = try runtime.eval(source, name: name)
            if !result.isUndefined { print(result.displayString) }
        } catch let error as JavaScriptError {
            printError("Uncaught \(error)")
            throw ExitCode.failure
        } catch {
            printError("jsrun: \(error)")
            throw ExitCode.failure
        }
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
