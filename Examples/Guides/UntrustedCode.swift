import Foundation
import JSRun

/// The code of `docs/guides/UntrustedCode.md`; see ``GettingStarted`` for how snippets are marked.
package enum UntrustedCode {
    /// What each limit ends in, for one script: the outcome as text.
    package static func run(_ untrusted: String) -> String {
        // snippet: sandbox
        let config = RuntimeConfig(
            timeout: .seconds(1),  // every call, and what runs later on its behalf
            maxHeapSize: 32 << 20,  // the JavaScript heap; ArrayBuffers may take as much again
            permissions: [],  // no timers, no console
            conversionLimits: ConversionLimits(maxDepth: 32, maxBytes: 1 << 20)  // the result
        )
        var outcome: String
        do {
            let runtime = try Runtime(config)
            defer { runtime.close() }
            outcome = "returned \(try runtime.eval(untrusted))"
        } catch RuntimeError.timedOut {
            outcome = "timed out"  // the runtime is still usable
        } catch RuntimeError.heapLimitExceeded {
            outcome = "out of memory"  // the runtime closed itself; the process lives on
        } catch RuntimeError.conversion(let problem) {
            outcome = "refused result: \(problem)"
        } catch let error as JavaScriptError {
            outcome = "threw \(error.name ?? "a value"): \(error.message)"
        } catch {
            outcome = "failed: \(error)"
        }
        // end snippet
        return outcome
    }

    /// A stopped call takes what it set up with it.
    package static func laterWork() async throws -> (error: RuntimeError?, timers: Int) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: later-work
        var error: RuntimeError?
        do {
            // The promise waits for a timer whose callback would loop for ever.
            try await runtime.evalAsync(
                "new Promise(done => setTimeout(() => { for (;;) {} done() }, 10))", timeout: .milliseconds(100))
        } catch let stopped as RuntimeError {
            error = stopped  // .timedOut(.milliseconds(100)): the loop was stopped with the call
        }
        let timers = try runtime.stats().activeTimers  // 0: a stopped call's timers go with it
        // end snippet
        return (error, timers)
    }
}
