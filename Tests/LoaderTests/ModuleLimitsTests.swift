import JSRunConvert
import JSRunIsolate
import JSRunOps
import JSRunTestSupport
import Synchronization
import Testing

@testable import JSRunLoader

/// Timeouts, cancellation and closing, while modules load and evaluate.
@Suite struct ModuleLimitsTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    private func expectUsable(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await runtime.evalAsync("Promise.resolve(2 + 2)") == 4, sourceLocation: sourceLocation)
    }

    @Test func aTimeoutStopsABusyModuleBody() async throws {
        runtime.addStaticModule("busy", source: "while (true) {}")
        let runtime = self.runtime
        let sync = try await onNewThread { Result { try runtime.evalModule("busy", timeout: .milliseconds(50)) } }.value
        #expect(throws: RuntimeError.timedOut(.milliseconds(50))) { try sync.get() }
        await #expect(throws: RuntimeError.timedOut(.milliseconds(50))) {
            try await runtime.evalModuleAsync("busy", timeout: .milliseconds(50))
        }
        try await expectUsable()
    }

    @Test func aTimeoutStopsATopLevelAwaitThatNeverSettles() async throws {
        runtime.addStaticModule("forever", source: "await new Promise(() => {})")
        let runtime = self.runtime
        let sync = try await onNewThread { Result { try runtime.evalModule("forever", timeout: .milliseconds(50)) } }
            .value
        #expect(throws: RuntimeError.timedOut(.milliseconds(50))) { try sync.get() }
        await #expect(throws: RuntimeError.timedOut(.milliseconds(50))) {
            try await runtime.evalModuleAsync("forever", timeout: .milliseconds(50))
        }
        try await expectUsable()
    }

    @Test func theConfiguredTimeoutAppliesToo() async throws {
        let limited = try Runtime(RuntimeConfig(timeout: .milliseconds(50)))
        limited.addStaticModule("busy", source: "while (true) {}")
        await #expect(throws: RuntimeError.timedOut(.milliseconds(50))) { try await limited.evalModuleAsync("busy") }
        #expect(try limited.eval("1") == 1)
    }

    @Test func stoppingTheCallStopsAModuleThatAnAsyncLoaderDelivered() async throws {
        let running = Gate()
        try runtime.bind("signalRunning") { () in running.open() }
        runtime.moduleResolver = { specifier, _ in "remote:\(specifier)" }
        runtime.moduleLoader = { _ in
            await Task.yield()
            return "signalRunning(); while (true) {}"
        }
        // The body runs in a later turn of the event loop than the call's start, yet as part of
        // the call: stopping the call (cancelling it here; a timeout does the same) stops it.
        let runtime = self.runtime
        let task = Task { try await runtime.evalModuleAsync("busy.js") }
        await running.wait()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await expectUsable()
    }

    @Test func aModuleWhoseCallTimedOutWhileItLoadedIsNotEvaluatedLater() async throws {
        let gate = Gate()
        runtime.moduleResolver = { specifier, _ in "remote:\(specifier)" }
        runtime.moduleLoader = { _ in
            await gate.wait()
            return "globalThis.evaluated = true; export const ready = true"
        }
        await #expect(throws: RuntimeError.timedOut(.milliseconds(20))) {
            try await runtime.evalModuleAsync("late.js", timeout: .milliseconds(20))
        }
        gate.open()
        try await runtime.waitUntilIdle()  // the load has arrived
        #expect(try runtime.eval("typeof evaluated") == "undefined")
        // It is loaded, though: the next import evaluates it without a second load.
        #expect(try await runtime.evalModuleAsync("late.js") == ["ready": true])
    }

    @Test func cancellingTheTaskStopsTheCall() async throws {
        let gate = Gate()
        runtime.moduleResolver = { specifier, _ in "remote:\(specifier)" }
        runtime.moduleLoader = { _ in
            await gate.wait()
            return "globalThis.evaluated = true"
        }
        let runtime = self.runtime
        let task = Task { try await runtime.evalModuleAsync("slow.js") }
        await gate.someoneArrived()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        gate.open()
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("typeof evaluated") == "undefined")
        try await expectUsable()
    }

    @Test func closingTheRuntimeCancelsTheLoadsInFlight() async throws {
        let cancelled = Atomic<Bool>(false)
        let gate = Gate()
        runtime.moduleResolver = { specifier, _ in "remote:\(specifier)" }
        runtime.moduleLoader = { _ in
            await withTaskCancellationHandler {
                await gate.wait()
            } onCancel: {
                cancelled.store(true, ordering: .relaxed)
                gate.open()
            }
            return ""
        }
        let runtime = self.runtime
        let task = Task { try await runtime.evalModuleAsync("never.js") }
        await gate.someoneArrived()
        runtime.close()
        await #expect(throws: RuntimeError.closed) { try await task.value }
        let wasCancelled = cancelled.load(ordering: .relaxed)
        #expect(wasCancelled)
        #expect(throws: RuntimeError.closed) { try runtime.evalModule("never.js") }
    }
}
