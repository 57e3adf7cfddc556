import Foundation
import JSRunConvert
import JSRunIsolate
import JSRunTestSupport
import Testing

@testable import JSRunOps

/// Host functions called while a value is being read (issue "Hostile code", parts 1 and 4): a
/// getter that calls the host, which serializes again or runs JavaScript again, never shares
/// storage with the serialization around it, and a termination that lands in such a call is
/// never swallowed. Each runs in a child process (an exit test): a corrupted heap or a hang
/// fails its own test.
@Suite struct ReentrancyTests {
    @Test func aGetterThatCallsTheHostWhileTheResultIsSerialized() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                try runtime.bind("host") { (_: [JSValue]) -> JSValue in .null }
                let value = try runtime.eval("({ a: 1, get x() { host({}); return 2 } })")
                try check(value == ["a": 1, "x": 2], "the result is \(value)")
            }
        }
    }

    /// Larger values on both sides: the nested serialization grows its buffer while the outer
    /// one is half written (before, the heap was corrupted).
    @Test func largeValuesSerializedInsideASerialization() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                try runtime.bind("host") { (arguments: [JSValue]) -> JSValue in .number(Double(arguments.count)) }
                let value = try runtime.eval(
                    """
                    const big = (n) => Array.from({ length: n }, (_, i) => ({ i, s: 'x'.repeat(i % 50) }));
                    const out = { head: big(2000) };
                    for (let k = 0; k < 20; k++)
                        Object.defineProperty(out, 'k' + k, { enumerable: true, get() { host(big(3000)); return k } });
                    out.tail = big(2000);
                    out
                    """)
                let head = value["head"]?.arrayValue
                try check(
                    head?.count == 2000 && head?[1999] == ["i": 1999, "s": .string(String(repeating: "x", count: 49))],
                    "head: \(String(describing: head?.last))")
                for k in 0..<20 {
                    try check(value["k\(k)"] == .number(Double(k)), "k\(k) is \(String(describing: value["k\(k)"]))")
                }
                try check(value["tail"]?.arrayValue?.count == 2000, "the tail is wrong")
            }
        }
    }

    /// The arguments of a host call are read while the arguments of another are.
    @Test func aGetterThatCallsTheHostWhileArgumentsAreSerialized() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                try runtime.bind("inner") { (arguments: [JSValue]) -> JSValue in .array(arguments) }
                try runtime.bind("outer") { (arguments: [JSValue]) -> JSValue in .array(arguments) }
                let value = try runtime.eval(
                    "outer({ a: 'a'.repeat(1000), get b() { return inner({ c: 'c'.repeat(5000) }) }, d: [1, 2, 3] })")
                let expected: JSValue = [
                    [
                        "a": .string(String(repeating: "a", count: 1000)),
                        "b": [["c": .string(String(repeating: "c", count: 5000))]], "d": [1, 2, 3],
                    ]
                ]
                try check(value == expected, "outer got \(value)")
            }
        }
    }

    @Test func consoleLogInAGetterWhileTheResultIsSerialized() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(console: .handler { _ in }))
                defer { runtime.close() }
                let value = try runtime.eval(
                    "({ a: 'a'.repeat(3000), get x() { console.log({ big: 'b'.repeat(100000) }); return 2 }, z: [1, 2] })"
                )
                try check(
                    value == ["a": .string(String(repeating: "a", count: 3000)), "x": 2, "z": [1, 2]],
                    "the result is \(value)")
            }
        }
    }

    @Test func aReentrantEvalInAGetterWhileTheResultIsSerialized() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                defer { runtime.close() }
                try runtime.bind("again") { (_: [JSValue]) -> JSValue in
                    try runtime.eval("Array.from({ length: 5000 }, (_, i) => 'v' + i)")
                }
                let value = try runtime.eval("({ a: 1, get x() { return again().length }, b: 'b'.repeat(10000) })")
                try check(
                    value == ["a": 1, "x": 5000, "b": .string(String(repeating: "b", count: 10000))],
                    "the result is \(value)")
            }
        }
    }

    /// A termination that lands in a getter of a host function's argument.
    @Test func aHostFunctionArgumentWhoseGetterLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(timeout: .milliseconds(100)))
                defer { runtime.close() }
                try runtime.bind("host") { (_: [JSValue]) -> JSValue in .null }
                try expectTimeout(runtime, "host({ get x() { for (;;) {} } })")
                try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
            }
        }
    }

    /// A host function that runs JavaScript again, which loops: the call times out, and a
    /// second eval the host function tries after catching the error is stopped too, instead of
    /// running with the termination swallowed.
    @Test func aReentrantEvalThatLoops() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(timeout: .milliseconds(100)))
                defer { runtime.close() }
                try runtime.bind("host") { (_: [JSValue]) -> JSValue in
                    _ = try? runtime.eval("for (;;) {}")
                    return try runtime.eval("for (;;) {}")
                }
                try expectTimeout(runtime, "host(1)")
                try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
            }
        }
    }
}

func expectTimeout(_ runtime: Runtime, _ code: String) throws {
    do {
        let value = try runtime.eval(code)
        try check(false, "the script returned \(value)")
    } catch let error as RuntimeError {
        try check(error == .timedOut(.milliseconds(100)), "the script failed with \(error), not a timeout")
    }
}
