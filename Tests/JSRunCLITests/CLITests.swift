import Foundation
import JSRunPlatform
import JSRunTestSupport
import Testing

/// The `jsrun` executable, run as a subprocess.
@Suite struct CLITests {
    @Test func printsTheResultOfCode() throws {
        let run = try JSRunProcess.run(["-c", "[1, 2, 3].map(x => x * 2)"])
        #expect(run.status == 0)
        #expect(run.stdout == "[ 2, 4, 6 ]\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func printsStringsAsTheyAreAndUndefinedNotAtAll() throws {
        #expect(try JSRunProcess.run(["-c", "'plain text'"]).stdout == "plain text\n")
        #expect(try JSRunProcess.run(["-c", "undefined"]).stdout == "")
        #expect(try JSRunProcess.run(["-c", "null"]).stdout == "null\n")
    }

    @Test func runsAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jsrun-cli-\(UUID()).js")
        try "const xs = [1, 2, 3];\n({ sum: xs.reduce((a, b) => a + b) })\n".write(
            to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try JSRunProcess.run([file.path])
        #expect(run.status == 0)
        #expect(run.stdout == "{ sum: 6 }\n")
    }

    @Test func anExceptionGoesToStandardErrorWithItsStack() throws {
        let run = try JSRunProcess.run(["-c", "function f() { throw new Error('cli boom') }\nf()"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("Uncaught Error: cli boom\n    at f (<eval>:1:22)\n    at <eval>:2:1"))
    }

    @Test func aSyntaxErrorSaysWhere() throws {
        let run = try JSRunProcess.run(["-c", "let = ;"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("SyntaxError"))
        #expect(run.stderr.contains("<eval>:1:"))
    }

    @Test func aMissingFileIsAClearError() throws {
        let run = try JSRunProcess.run(["/no/such/file.js"])
        #expect(run.status == 1)
        #expect(run.stderr == "jsrun: cannot read '/no/such/file.js': no such file, or not readable\n")
    }

    @Test func wrongUsageIsExplained() throws {
        let both = try JSRunProcess.run(["-c", "1", "file.js"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("not both"))
        let neither = try JSRunProcess.run([])
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("-c CODE or a FILE"))
    }

    @Test func helpExplainsEveryOption() throws {
        let run = try JSRunProcess.run(["--help"])
        #expect(run.status == 0)
        let options = [
            "-c <code>", "<file>", "--v8-flags <flags>", "--timeout <seconds>", "--max-heap <megabytes>",
            "--module-root <directory>",
        ]
        for option in options + ["--console", "--module", "--version", "--help"] {
            #expect(run.stdout.contains(option), "help does not mention \(option)")
        }
    }

    @Test func versionNamesTheSDKAndV8() throws {
        let run = try JSRunProcess.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout == "jsrun \(JSRunVersion.current) (V8 \(V8Platform.version))\n")
        #expect(run.stdout.hasPrefix("jsrun 0.") && run.stdout.contains("(V8 10.2."))
    }

    @Test func v8FlagsTakeEffect() throws {
        #expect(try JSRunProcess.run(["-c", "typeof gc"]).stdout == "undefined\n")
        #expect(try JSRunProcess.run(["--v8-flags=--expose-gc", "-c", "typeof gc"]).stdout == "function\n")
    }

    @Test func aPromiseIsAwaitedAndTimersRunToTheEnd() throws {
        let run = try JSRunProcess.run([
            "--console", "-c",
            "setTimeout(() => console.log('timer'), 500); new Promise(r => setTimeout(() => r({ done: true }), 10))",
        ])
        #expect(run.status == 0)
        #expect(run.stdout == "{ done: true }\ntimer\n")
    }

    @Test func theConsoleIsOffUnlessAsked() throws {
        #expect(try JSRunProcess.run(["-c", "console.log('hidden'); 1"]).stdout == "1\n")
        let run = try JSRunProcess.run(["--console", "-c", "console.log('shown', {a: 1}); console.error('oops'); 2"])
        #expect(run.stdout == "shown { a: 1 }\n2\n")
        #expect(run.stderr == "oops\n")
    }

    @Test func limitsStopRunawayScripts() throws {
        let slow = try JSRunProcess.run(["--timeout", "0.1", "-c", "while (true) {}"])
        #expect(slow.status == 1)
        #expect(slow.stderr.contains("timed out after 100 ms"))
        let hungry = try JSRunProcess.run(["--max-heap", "16", "-c", "const a = []; for (;;) a.push(new Array(1e5))"])
        #expect(hungry.status == 1)
        #expect(hungry.stderr.contains("heap reached its limit of 16 MiB"))
        let wrong = try JSRunProcess.run(["--timeout=-1", "-c", "1"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--timeout must be a positive number"))
    }

    /// Issue "Hostile code", part 6: options that cannot be are usage errors (exit 64), not a
    /// crash, a wrapped number or a segmentation fault.
    @Test func aTimeoutPastWhatADurationHoldsIsAUsageError() throws {
        for timeout in ["1e19", "nan", "inf", "-1", "0"] {
            let run = try JSRunProcess.run(["--timeout=\(timeout)", "-c", "1"])
            #expect(run.status == 64, "--timeout \(timeout): \(run)")
            #expect(run.stderr.contains("--timeout must be a positive number of seconds"), "\(run)")
        }
        // Long, but a Duration: it runs (a timer's callback included, under that limit).
        let long = try JSRunProcess.run(["--timeout", "1e16", "-c", "setTimeout(() => {}, 1); 'ran'"])
        #expect(long.status == 0, "\(long)")
        #expect(long.stdout == "ran\n")
    }

    @Test func aHeapPastWhatBytesHoldIsAUsageError() throws {
        let run = try JSRunProcess.run(["--max-heap", "17592186044420", "-c", "1"])
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("--max-heap must be at most 8796093022207"), "\(run)")
    }

    @Test func aStackSizePastTheRuntimeThreadsStackIsAUsageError() throws {
        let recursion = "function f(n) { return f(n + 1) + 1 } f(0)"
        for flags in ["--stack-size=8000", "--stack-size 8000", "--expose-gc --stack_size=3073"] {
            let run = try JSRunProcess.run(["--v8-flags=\(flags)", "-c", recursion])
            #expect(run.status == 64, "\(flags): \(run)")
            #expect(run.stderr.contains("--stack-size") && run.stderr.contains("from 1 to 3072 KiB"), "\(run)")
        }
        // The largest one allowed: deep recursion is a RangeError.
        let largest = try JSRunProcess.run(["--v8-flags=--stack-size=3072", "-c", recursion])
        #expect(largest.status == 1, "\(largest)")
        #expect(largest.stderr.hasPrefix("Uncaught RangeError: Maximum call stack size exceeded"), "\(largest)")
    }

    /// Issue "Hostile code", part 6: as Node does, jsrun fails on a promise rejected with no
    /// handler and on a timer's exception, and stops there; before, both were silent (exit 0).
    @Test func anUnhandledRejectionFailsAsInNode() throws {
        let run = try JSRunProcess.run(["-c", "Promise.reject(new Error('lost')); 5"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout == "5\n")
        #expect(run.stderr == "Uncaught (in promise) Error: lost\n    at <eval>:1:16\n")
        // It stops the script's later work.
        let later = try JSRunProcess.run([
            "--console", "-c",
            "setTimeout(() => Promise.reject(new TypeError('in a timer')), 1); setTimeout(() => console.log('never'), 50)",
        ])
        #expect(later.status == 1, "\(later)")
        #expect(!later.stdout.contains("never"), "\(later)")
        #expect(later.stderr.hasPrefix("Uncaught (in promise) TypeError: in a timer\n    at "), "\(later)")
        let module = try JSRunProcess.run(["--module", "-c", "Promise.reject(7); await null"])
        #expect(module.status == 1, "\(module)")
        #expect(module.stderr == "Uncaught (in promise) 7\n", "\(module)")
        // A rejection handled in time is no failure.
        let handled = try JSRunProcess.run([
            "-c", "const p = Promise.reject(new Error('x')); p.catch(() => {}); 'fine'",
        ])
        #expect(handled.status == 0, "\(handled)")
        #expect(handled.stdout == "fine\n")
    }

    @Test func anUncaughtTimerExceptionFailsAsInNode() throws {
        let run = try JSRunProcess.run([
            "--console", "-c",
            "setTimeout(() => { throw new Error('tick') }, 1); setTimeout(() => console.log('never'), 50); 'now'",
        ])
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout == "now\n", "\(run)")
        #expect(run.stderr == "Uncaught Error: tick\n    at <eval>:1:26\n", "\(run)")
        // A queueMicrotask callback's exception too (V8 printed it on standard output).
        let micro = try JSRunProcess.run(["-c", "queueMicrotask(() => { throw new Error('m') }); 5"])
        #expect(micro.status == 1, "\(micro)")
        #expect(micro.stdout.isEmpty, "\(micro)")
        #expect(micro.stderr == "Uncaught Error: m\n    at <eval>:1:30\n", "\(micro)")
    }

    @Test func valuesWithoutARepresentationAreReportedNotCrashed() throws {
        let run = try JSRunProcess.run(["-c", "[Symbol('s')]"])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("jsrun: cannot convert the value"))
    }
}

enum JSRunProcess {
    /// The `jsrun` built beside the test bundle.
    static var executable: URL { productBesideTests("jsrun") }

    static func run(_ arguments: [String]) throws -> ProcessOutput {
        try runProcess(executable, arguments, killedAfter: 60)
    }
}
