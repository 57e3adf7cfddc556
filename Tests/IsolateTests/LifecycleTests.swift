import Dispatch
import Foundation
import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

@Suite struct LifecycleTests {
    @Test func closeIsIdempotentAndLaterCallsSayClosed() async throws {
        let runtime = try Runtime()
        #expect(!runtime.isClosed)
        runtime.close()
        runtime.close()
        #expect(runtime.isClosed)
        let error = #expect(throws: RuntimeError.self) { try runtime.eval("1") }
        #expect(error == .closed)
        #expect(error?.description.contains("closed") == true)
        await #expect(throws: RuntimeError.closed) { try await runtime.evalAsync("1") }
    }

    @Test func closeFailsAPendingEvalAsync() async throws {
        let runtime = try Runtime()
        let waiting = Task { try await runtime.evalAsync("new Promise(() => {})") }
        try await Task.sleep(for: .milliseconds(20))
        runtime.close()
        await #expect(throws: RuntimeError.closed) { try await waiting.value }
    }

    @Test func closeStopsRunningJavaScript() async throws {
        let runtime = try Runtime()
        let looping = onNewThread { try runtime.eval("while (true) {}") }
        try await Task.sleep(for: .milliseconds(50))
        runtime.close()
        await #expect(throws: RuntimeError.closed) { try await looping.value }
    }

    @Test func withClosesOnEveryPathOut() async throws {
        struct Stop: Error {}
        var kept: Runtime?
        #expect(throws: Stop.self) {
            try Runtime.with { runtime in
                kept = runtime
                throw Stop()
            }
        }
        #expect(kept?.isClosed == true)
        let value = try Runtime.with { runtime in
            kept = runtime
            return try runtime.eval("6 * 7", as: Int.self)
        }
        #expect(value == 42)
        #expect(kept?.isClosed == true)
        let asyncValue = try await Runtime.with { runtime in
            kept = runtime
            return try await runtime.evalAsync("Promise.resolve('async')")
        }
        #expect(asyncValue == "async")
        #expect(kept?.isClosed == true)
    }

    @Test func runtimesAreIsolatedFromEachOther() throws {
        let first = try Runtime()
        let second = try Runtime()
        defer { first.close(); second.close() }
        try first.eval("globalThis.mine = 1; Array.prototype.extra = 'patched'")
        #expect(try second.eval("typeof mine") == "undefined")
        #expect(try second.eval("[].extra") == .undefined)
        #expect(try first.eval("[].extra") == "patched")
    }

    @Test func callsFromManyThreadsOnOneRuntimeAreSerialised() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.eval("globalThis.count = 0")
        let perThread = 500
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<perThread { _ = try? runtime.eval("count += 1") }
        }
        #expect(try runtime.eval("count") == .number(Double(2 * perThread)))
    }

    @Test func eightRuntimesRunInParallel() async throws {
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try Runtime.with(RuntimeConfig(name: "parallel-\(i)")) { runtime in
                        try runtime.eval("globalThis.id = \(i)")
                        return try runtime.eval(
                            "let s = 0; for (let k = 0; k < 100000; k++) s += k % 7; id", as: Int.self)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<8))
    }

    @Test func aDroppedRuntimeFreesItsThread() async throws {
        var runtime: Runtime? = try Runtime(RuntimeConfig(name: "dropped"))
        _ = try runtime?.eval("1")
        #expect(RuntimeThreads.named("jsrun:dropped").count == 1)
        runtime = nil
        // The thread frees the isolate in the background, then exits.
        for _ in 0..<200 where !RuntimeThreads.named("jsrun:dropped").isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(RuntimeThreads.named("jsrun:dropped").isEmpty)
    }

    @Test func anIdleRuntimeUsesNoCPU() async throws {
        let runtime = try Runtime(RuntimeConfig(name: "idle"))
        defer { runtime.close() }
        try runtime.eval("1")
        let thread = try #require(RuntimeThreads.named("jsrun:idle").first)
        let before = try #require(RuntimeThreads.cpuTicks(of: thread))
        try await Task.sleep(for: .milliseconds(500))
        let after = try #require(RuntimeThreads.cpuTicks(of: thread))
        // A spinning thread would use ~50 ticks (10 ms each) here; a parked one none.
        #expect(after - before <= 2)
    }
}

/// The process's threads, read from /proc (Linux).
enum RuntimeThreads {
    static func named(_ name: String) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return comm?.trimmingCharacters(in: .whitespacesAndNewlines) == name
        }
    }

    /// User plus system CPU time of a thread, in clock ticks.
    static func cpuTicks(of task: String) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ")
        else { return nil }
        let fields = stat[afterName.upperBound...].split(separator: " ")
        // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the name.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
