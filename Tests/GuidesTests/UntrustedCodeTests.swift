import JSRun
import JSRunGuides
import Testing

/// What docs/guides/UntrustedCode.md says its snippets give.
@Suite struct UntrustedCodeTests {
    @Test func eachLimitEndsInItsOwnOutcome() {
        #expect(UntrustedCode.run("6 * 7") == "returned 42")
        #expect(UntrustedCode.run("for (;;) {}") == "timed out")
        #expect(UntrustedCode.run("const a = []; for (;;) a.push(new Array(1e5).fill(1))") == "out of memory")
        #expect(UntrustedCode.run("'x'.repeat(2 << 20)").hasPrefix("refused result: "))
        #expect(UntrustedCode.run("setTimeout(() => {}, 1)") == "threw ReferenceError: setTimeout is not defined")
        #expect(UntrustedCode.run("new Array(2 ** 32 - 1).fill(0)").hasPrefix("threw RangeError: Array.prototype.fill"))
        #expect(UntrustedCode.run("new ArrayBuffer(64 << 20)").hasPrefix("threw RangeError: "))
        #expect(UntrustedCode.run("(function f() { f() })()").hasPrefix("threw RangeError: Maximum call stack"))
    }

    @Test func aStoppedCallTakesItsTimersWithIt() async throws {
        let (error, timers) = try await UntrustedCode.laterWork()
        #expect(error == .timedOut(.milliseconds(100)))
        #expect(timers == 0)
    }
}
