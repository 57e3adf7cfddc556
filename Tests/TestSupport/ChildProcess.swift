import Foundation

/// What a check in a child process found wrong: its message, where.
public struct ChildCheckFailure: Error, CustomStringConvertible {
    public let description: String
}

/// For the body of an exit test (`#expect(processExitsWith: .success) { ... }`): fails the child
/// with `message` unless `condition` holds. The child reports to its parent by its exit code, so
/// one crash or hang fails one test, not the whole run.
public func check(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) throws {
    if !condition { throw ChildCheckFailure(description: "\(file):\(line): \(message())") }
}

/// Runs `body` as an exit test's child: exits 0 when it returns, 1 (with the error on standard
/// error) when it throws, and 2 when it is still running after `seconds`: a hang then fails its
/// own test instead of stalling the run.
public func inChildProcess(within seconds: Double = 30, _ body: () async throws -> Void) async -> Never {
    Thread.detachNewThread {
        Thread.sleep(forTimeInterval: seconds)
        FileHandle.standardError.write(Data("still running after \(seconds) s: hung\n".utf8))
        exit(2)
    }
    do {
        try await body()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        // Swift Testing keeps the child's standard error to itself: a file named by
        // JSRUN_CHILD_FAILURES collects what failed, for a developer to read.
        if let path = ProcessInfo.processInfo.environment["JSRUN_CHILD_FAILURES"],
            let file = FileHandle(forWritingAtPath: path)
                ?? (FileManager.default.createFile(atPath: path, contents: nil)
                    ? FileHandle(forWritingAtPath: path) : nil)
        {
            file.seekToEndOfFile()
            file.write(Data("\(error)\n".utf8))
        }
        exit(1)
    }
}

/// The most memory this process has held resident so far, in bytes (Linux's VmHWM): in an exit
/// test's child, proof that what it did stayed within a bound.
public func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return 0 }
    return kilobytes << 10
}
