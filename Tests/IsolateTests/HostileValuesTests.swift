import Foundation
import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

/// Values that cross a runtime's boundary and that V8, or the runtime thread's stack, cannot
/// take (issue "Hostile bytes", its writing half): each is a `RuntimeError.conversion` that says
/// why, and the runtime works next. Crash-prone cases run as exit tests; deep values are kept
/// until the child process exits (freeing one a million levels deep would recurse as deep).
@Suite("Hostile values through a runtime")
struct HostileValuesTests {
    /// Limits that only the stack bounds.
    static let unbounded = ConversionLimits(maxDepth: 10_000_000, maxBytes: .max)

    static func nested(_ depth: Int, in value: JSValue = 0) -> JSValue {
        var value = value
        for _ in 0..<depth { value = [value] }
        return value
    }

    /// Values kept until the child process exits, never freed.
    nonisolated(unsafe) static var kept: [JSValue] = []

    /// The message of the conversion error `body` throws, or why there is none.
    static func conversionError(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch RuntimeError.conversion(let message) {
            return message
        } catch {
            return "another error: \(error)"
        }
    }

    /// `message` says the value was nested more levels deep than the stack held (fewer than
    /// `maxDepth`, more than a few).
    static func checkTooDeep(_ message: String, _ what: String) throws {
        let words = message.split(separator: " ")
        let depth = words.count > 3 ? Int(words[words.count - 3]) : nil
        try check(
            message.hasPrefix("the value at $") && message.hasSuffix("levels deep")
                && depth.map { $0 > 50 && $0 < 100_000 } == true,
            "\(what): \(message.prefix(300))")
    }

    /// An argument nested a million levels, with a `maxDepth` of ten million: the writer on the
    /// runtime thread overflowed its stack of 4 MiB.
    @Test func aMillionLevelsDeepArgument() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(conversionLimits: Self.unbounded))
                let deep = Self.nested(1_000_000)
                Self.kept.append(deep)
                let function = try runtime.eval("(value) => Array.isArray(value)").function!
                try Self.checkTooDeep(Self.conversionError { _ = try function.call(deep) }, "an argument")
                try Self.checkTooDeep(
                    Self.conversionError { _ = try runtime.callMethod("push", on: "list", deep) }, "a method's argument"
                )
                try check(try function.call(Self.nested(50)) == true, "50 levels")
                try check(try runtime.eval("'survives'") == "survives", "the runtime")
                runtime.close()
            }
        }
    }

    /// Deep values from JavaScript, with a `maxDepth` of ten million: V8's serializer stops at
    /// its own stack limit, and what it writes is read as deep as the runtime thread's stack
    /// holds; deeper is refused.
    @Test func deepValuesFromJavaScript() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(conversionLimits: Self.unbounded))
                try runtime.eval(
                    "globalThis.nest = (n) => { let a = 0; for (let i = 0; i < n; i++) a = [a]; return a }")
                // Past V8's stack (at about 4,000 levels), V8's serializer refuses it.
                for depth in [8000, 1_000_000] {
                    let message = Self.conversionError { _ = try runtime.eval("nest(\(depth))") }
                    try check(
                        message == "the value is nested too deeply to be copied (V8's serializer ran out of stack)",
                        message)
                }
                // 3,000 levels V8 writes: read where the stack holds them (a release build),
                // refused as too deep where it does not (a debug build holds about 560).
                let message = Self.conversionError {
                    let value = try runtime.eval("nest(3000)")
                    Self.kept.append(value)
                    try check(value.arrayValue?.count == 1, "\(value)")
                }
                if message != "no error" { try Self.checkTooDeep(message, "3,000 levels") }
                // Shown rather than used: console arguments and thrown values.
                try runtime.eval("console.log(nest(8000))")
                do {
                    try runtime.eval("throw nest(8000)")
                    try check(false, "nothing thrown")
                } catch is JavaScriptError {}
                try check(try runtime.eval("nest(3)") == [[[0]]], "3 levels")
                runtime.close()
            }
        }
    }

    /// A host function called from JavaScript at its deepest (its stack limit nearly reached),
    /// given a deep argument and returning a deep value: bounded by what is left of the stack.
    @Test func deepValuesAtTheBottomOfJavaScriptsStack() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(conversionLimits: Self.unbounded))
                let deep = Self.nested(1_000_000)
                Self.kept.append(deep)
                try runtime.installHostFunction(
                    at: ["host"], .sync { arguments in arguments[0] == .undefined ? deep : 1 })
                try runtime.eval(
                    "globalThis.nest = (n) => { let a = 0; for (let i = 0; i < n; i++) a = [a]; return a }")
                // Recurses until V8's limit, then calls the host at every depth on the way back.
                let outcome = try runtime.eval(
                    """
                    let results = { given: 0, returned: 0, errors: new Set() };
                    function down(n) {
                      try { return down(n + 1) } catch (e) {
                        if (!(e instanceof RangeError)) throw e
                        for (const argument of [nest(3000), undefined]) {
                          try { host(argument); results[argument ? 'given' : 'returned']++ }
                          catch (e) { results.errors.add(String(e).replace(/[$](\\[0\\])+/, '$...').slice(0, 100)) }
                        }
                        return n
                      }
                    }
                    down(0);
                    ({ given: results.given, returned: results.returned, errors: [...results.errors] })
                    """)
                try check(outcome["returned"] == 0, "a million levels were returned: \(outcome)")
                let errors = outcome["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
                try check(
                    errors.contains {
                        $0.hasPrefix("TypeError: cannot convert the value: the value at $... is nested more than")
                    },
                    "\(errors)")
                try check(try runtime.eval("'survives'") == "survives", "the runtime")
                runtime.close()
            }
        }
    }

    /// V8 aborts the process when it deserializes a BigInt of more than 2^30 bits.
    @Test func aBigIntLongerThanV8Allows() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(conversionLimits: Self.unbounded))
                let count = (1 << 24) + 1
                let words = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
                    buffer[count - 1] = 1
                    initialized = count
                }
                let function = try runtime.eval("(n) => typeof n").function!
                let message = Self.conversionError {
                    _ = try function.call(.bigInt(JSBigInt(isNegative: false, words: words)))
                }
                try check(
                    message
                        == "the value at $[0] is a BigInt of 1073741825 bits, more than V8 holds (1073741824 bits, 2^30)",
                    message)
                try check(try function.call(.bigInt(JSBigInt(1))) == "bigint", "a small BigInt")
                runtime.close()
            }
        }
    }

    /// Binary data of 4 GiB with no byte limit: refused by its length, before it is copied.
    @Test func fourGiBOfBinaryData() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(conversionLimits: Self.unbounded))
                let before = peakResidentBytes()
                let function = try runtime.eval("(b) => b.length").function!
                let message = Self.conversionError { _ = try function.call(.bytes(JSBytes(Data(count: 4 << 30)))) }
                try check(
                    message == "the value at $[0] is binary data of 4294967296 bytes, more than V8 holds (4294967295)",
                    message)
                let grown = peakResidentBytes() - before
                try check(grown < 256 << 20, "refusing it took \(grown >> 20) MiB")
                try check(try function.call(.bytes(JSBytes(Data(count: 3)))) == 3, "three bytes")
                runtime.close()
            }
        }
    }
}
