import Foundation
import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

/// The heap limit never aborts the process (issue "Hostile code", part 3). Each case runs in a
/// child process of its own (an exit test): an abort by V8 fails one test. After the script, a
/// fresh runtime must work, and the old one's event loop must have wound down without V8
/// running tasks on an isolate that was past its limit.
@Suite struct HeapLimitTests {
    @Test func aStringThatDoublesWhileItIsSearched() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try await exceedsTheLimit(16, "let s = 'x'; for (;;) { s = s + s; s.indexOf('y') }")
            }
        }
    }

    @Test(arguments: [4, 16])
    func twentyLargeArraysFilledOneAfterTheOther(megabytes: Int) async {
        await #expect(processExitsWith: .success) { [megabytes] in
            await inChildProcess {
                try await exceedsTheLimit(
                    megabytes, "const a = []; for (let i = 0; i < 20; i++) a.push(new Array(1e7).fill(i))")
            }
        }
    }

    @Test func aMapFilledInALoop() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try await exceedsTheLimit(64, "const m = new Map(); for (let i = 0; ; i++) m.set(i, i)")
            }
        }
    }

    /// V8 10.2 aborts on these whatever the limit (see guards.cc): they are refused before V8
    /// sees them, with a RangeError, and the runtime stays usable. 0: no limit.
    @Test(arguments: [0, 4, 16, 64])
    func anArrayOfTwoToTheThirtyTwoElementsFilled(megabytes: Int) async {
        await #expect(processExitsWith: .success) { [megabytes] in
            await inChildProcess {
                try refusedWithARangeError(
                    megabytes, "new Array(2 ** 32 - 1).fill(0)", saying: "fill of 4294967295 elements")
            }
        }
    }

    @Test(arguments: [0, 16])
    func aLongStringSplitIntoCharacters(megabytes: Int) async {
        await #expect(processExitsWith: .success) { [megabytes] in
            await inChildProcess {
                try refusedWithARangeError(
                    megabytes, "'a'.repeat(2 ** 27).split('')", saying: "split into 134217728 parts")
            }
        }
    }

    /// A split with a separator into as many parts.
    @Test func aLongStringSplitBySeparators() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try refusedWithARangeError(0, "','.repeat(2 ** 27).split(',')", saying: "split into")
            }
        }
    }

    /// The first runtime of a process compiles the guards, and the later ones take its code
    /// (guards.cc): they are refused in each.
    @Test func theGuardsHoldInEveryRuntimeOfAProcess() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                for _ in 0..<3 {
                    try refusedWithARangeError(
                        0, "new Array(2 ** 32 - 1).fill(0)", saying: "fill of 4294967295 elements")
                    try refusedWithARangeError(
                        16, "'a'.repeat(2 ** 27).split('')", saying: "split into 134217728 parts")
                }
            }
        }
    }

    /// ArrayBuffer contents live outside the JavaScript heap: with a heap limit, they may take as
    /// much again, no more. Past it, a RangeError, and the host's memory stays bounded.
    @Test func arrayBuffersPastTheirBudget() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(maxHeapSize: 16 << 20))
                defer { runtime.close() }
                do {
                    let value = try runtime.eval(
                        "(() => { const kept = []; for (let i = 0; i < 500; i++) kept.push(new ArrayBuffer(4 << 20)); return kept.length })()"
                    )
                    try check(false, "500 buffers of 4 MiB were allocated: \(value)")
                } catch let error as JavaScriptError {
                    try check(error.name == "RangeError", "the script failed with \(error)")
                }
                do {
                    let value = try runtime.eval("new Uint8Array(1 << 30).length")
                    try check(false, "a 1 GiB typed array was allocated: \(value)")
                } catch let error as JavaScriptError {
                    try check(error.name == "RangeError", "the script failed with \(error)")
                }
                // Within the budget, buffers work. (In a fresh runtime: the buffers above return to
                // the budget only once V8's sweeper, on a thread of its own, has freed them.)
                let fresh = try Runtime(RuntimeConfig(maxHeapSize: 16 << 20))
                defer { fresh.close() }
                try check(
                    try fresh.eval("new Uint8Array(4 << 20).fill(7)[12345]") == 7, "a 4 MiB buffer does not work")
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                // 2 GiB without the budget; the bound leaves room for AddressSanitizer's own.
                try check(usage.ru_maxrss < 1536 * 1024, "the process peaked at \(usage.ru_maxrss) KiB")
            }
        }
    }

    /// What the guards wrap still works as the builtins do.
    @Test func fillAndSplitStillWork() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        #expect(try runtime.eval("[1, 2, 3, 4].fill(9, 1, -1)") == [1, 9, 9, 4])
        #expect(try runtime.eval("Array.prototype.fill.call({ length: 2 }, 'x')") == ["0": "x", "1": "x", "length": 2])
        #expect(try runtime.eval("new Array(3).fill()") == [.undefined, .undefined, .undefined])
        #expect(try runtime.eval("'a,b,,c'.split(',')") == ["a", "b", "", "c"])
        #expect(try runtime.eval("'a-b-c'.split('-', 2)") == ["a", "b"])
        #expect(try runtime.eval("'abc'.split('')") == ["a", "b", "c"])
        #expect(try runtime.eval("'abc'.split()") == ["abc"])
        #expect(try runtime.eval("'a1b2c'.split(/\\d/)") == ["a", "b", "c"])
        #expect(try runtime.eval("'abc'.split({ [Symbol.split]: (s, l) => [s, l] }, 5)") == ["abc", 5])
        #expect(try runtime.eval("[Array.prototype.fill.name, Array.prototype.fill.length]") == ["fill", 1])
        #expect(try runtime.eval("[String.prototype.split.name, String.prototype.split.length]") == ["split", 2])
        #expect(try runtime.eval("Object.keys(Array.prototype).includes('fill')") == false)
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("String.prototype.split.call(null, ',')") }
        #expect(error?.name == "TypeError")
    }
}

/// Runs `code` under a heap limit of `megabytes`: it must throw heapLimitExceeded and close the
/// runtime; then the process must still run JavaScript.
func exceedsTheLimit(_ megabytes: Int, _ code: String) async throws {
    let runtime = try Runtime(RuntimeConfig(maxHeapSize: megabytes << 20))
    do {
        let value = try runtime.eval(code)
        try check(false, "the script returned \(value)")
    } catch let error as RuntimeError {
        try check(error == .heapLimitExceeded(megabytes << 20), "the script failed with \(error)")
    }
    try check(runtime.isClosed, "the runtime is still open")
    // Time for the old isolate's tasks, had any been left to run.
    try await Task.sleep(for: .milliseconds(100))
    let fresh = try Runtime()
    defer { fresh.close() }
    try check(try fresh.eval("'alive'") == "alive", "a fresh runtime does not work")
}

/// Runs `code` (under a heap limit of `megabytes`, none for 0): it must throw a RangeError that
/// says `saying`, and the runtime must go on.
func refusedWithARangeError(_ megabytes: Int, _ code: String, saying: String) throws {
    let runtime = try Runtime(RuntimeConfig(maxHeapSize: megabytes == 0 ? nil : megabytes << 20))
    defer { runtime.close() }
    do {
        let value = try runtime.eval(code)
        try check(false, "the script returned \(value)")
    } catch let error as JavaScriptError {
        try check(error.name == "RangeError" && error.message.contains(saying), "the script failed with \(error)")
    }
    try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
}
