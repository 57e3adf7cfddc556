import Foundation

/// What a finished subprocess left: its exit status and its two output streams.
public struct ProcessOutput: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var description: String {
        "status \(status), stdout \(stdout.debugDescription), stderr \(stderr.debugDescription)"
    }
}

/// Runs `executable` with `arguments` to its end and returns what it printed. With `seconds`, a
/// process still running then is killed (status 9): a hang fails the test that waits for it.
public func runProcess(_ executable: URL, _ arguments: [String], killedAfter seconds: Double? = nil) throws
    -> ProcessOutput
{
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    if let seconds {
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }
    // Both pipes are read to their end before waiting, so a full pipe cannot stall the child.
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
        stderr: String(decoding: err, as: UTF8.self))
}

/// An executable product of this package, built beside the test bundle.
public func productBesideTests(_ name: String) -> URL {
    let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
}
