import Foundation
import JSRunTestSupport
import Testing

/// `jsrun --timeout` ends a script whatever it set up to keep running (issue "Hostile code",
/// part 1). A jsrun that hangs is killed after a minute, and the test fails.
@Suite struct TimeoutCLITests {
    @Test func anErrorWhoseNameGetterLoops() throws {
        let run = try JSRunProcess.run([
            "--timeout", "0.5", "-c",
            "const e = new Error('x'); Object.defineProperty(e, 'name', { get() { for (;;) {} } }); throw e",
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("timed out after 500 ms"), "\(run)")
    }

    @Test func aTimerThatLoopsAfterTheScript() throws {
        let run = try JSRunProcess.run([
            "--timeout", "0.5", "--console", "-c", "setTimeout(() => { for (;;) {} }, 10); 'done'",
        ])
        #expect(run.stdout == "done\n", "\(run)")
        #expect(run.stderr.contains("a timer callback was stopped"), "\(run)")
    }
}
