import Foundation
import JSRunConvert
import JSRunTestSupport
import Testing

@testable import JSRunIsolate

/// Values that cross a runtime's boundary and that V8 cannot take (issue "Hostile bytes", its
/// writing half): each is a `RuntimeError.conversion` that says why, and the runtime works next.
/// Crash-prone cases run as exit tests.
@Suite("Hostile values through a runtime")
struct HostileValuesTests {
    /// Limits with no bound on depth or size.
    static let unbounded = ConversionLimits(maxDepth: 10_000_000, maxBytes: .max)

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
