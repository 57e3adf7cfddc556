import Foundation
import JSRunConvert
import JSRunTestSupport
import Synchronization
import Testing

@_spi(Benchmarks) @testable import JSRunIsolate

/// Host memory is bounded by the limits (issue "Hostile code", part 5): what a script can make
/// the host allocate outside the JavaScript heap, through its result or its timers. Each case
/// that took gigabytes (or crashed) before its fix runs in a child process of its own (an exit
/// test) that checks how much more memory it held at its peak, well below what the bug took.
@Suite struct HostMemoryTests {
    /// Runs `body` in a child process that fails unless its peak resident memory grew by less
    /// than `bound` bytes meanwhile.
    static func withinMemory(_ bound: Int, _ body: () async throws -> Void) async throws {
        let before = peakResidentBytes()
        try await body()
        let grown = peakResidentBytes() - before
        try check(grown < bound, "the case took \(grown >> 20) MiB more at its peak (bound: \(bound >> 20) MiB)")
    }

    static func refusedForItsSize(_ outcome: Result<JSValue, any Error>, limit: Int = 64 << 20) throws {
        let error = outcome.failureError as? RuntimeError
        guard case .conversion(let message) = error else {
            return try check(false, "not a conversion error: \(outcome)")
        }
        try check(message.contains("more than the limit of \(limit) bytes"), message)
    }

    // MARK: - Holes

    /// 40 arrays with one element at index 2,699,999: an 807-byte result, 2.5 GB of holes in
    /// Swift when each array's length was checked on its own. The holes of the whole value count
    /// toward maxBytes.
    @Test func fortySparseArraysAreRefusedBeforeTheirHolesAreMade() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                try await Self.withinMemory(512 << 20) {
                    let outcome = Result {
                        try runtime.eval(
                            "Array.from({ length: 40 }, () => { const a = []; a[2_699_999] = 1; return a })")
                    }
                    try Self.refusedForItsSize(outcome)
                }
                try check(try runtime.eval("[1, , 3].length") == 3, "the runtime does not work afterwards")
            }
        }
    }

    /// The same with a function in each array, which takes the copy (clone.cc): the copy made
    /// each array with its length preallocated in the heap (4.7 GB in all).
    @Test func fortySparseArraysHoldingFunctionsAreRefusedBeforeTheirHolesAreMade() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                try await Self.withinMemory(512 << 20) {
                    let outcome = Result {
                        try runtime.eval(
                            "Array.from({ length: 40 }, () => { const a = []; a[2_699_999] = () => 1; return a })")
                    }
                    try Self.refusedForItsSize(outcome)
                }
            }
        }
    }

    /// Its copy was `Array::New(2^31 - 1)`, past V8's longest FixedArray: V8 aborted the process
    /// ("Fatal JavaScript invalid size error").
    @Test func aSparseArrayOfLength2To31HoldingAFunctionIsRefused() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                try Self.refusedForItsSize(Result { try runtime.eval("const a = []; a[2 ** 31 - 2] = () => 1; a") })
                let small = try runtime.eval("const b = [1]; b[4] = () => 2; b")
                try check(small.arrayValue?.count == 5 && small[4]?.function != nil, "\(small)")
            }
        }
    }

    /// `new Array(n)` makes a "holey" array, and filling it does not make it packed again: V8
    /// writes it in the sparse format, every index there. It has no hole, so it arrives.
    @Test func aFilledArrayIsNotSparse() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let filled = try runtime.eval("new Array(3e6).fill(0)").arrayValue
        #expect(filled?.count == 3_000_000)
        #expect(filled?.allSatisfy { $0 == 0 } == true)
        // Through the copy too (a function inside): the copy of an array without holes is
        // packed, which V8 writes as a dense array (two bytes an element here, not five).
        let copied = try runtime.eval("const c = new Array(1000).fill(7); c[3] = () => 1; c").arrayValue
        #expect(copied?.count == 1000 && copied?[3].function != nil && copied?[999] == 7)
        let size = try runtime.serializedSize(of: "const d = new Array(1000).fill(7); d[3] = () => 1; d")
        #expect(size < 2100, "\(size) bytes")
        // A copy keeps the holes at the end of its original.
        #expect(try runtime.eval("const e = [() => 1]; e.length = 3; e").arrayValue?.count == 3)
    }

    // MARK: - Views of one buffer

    /// A hundred 15 MiB views of one 60 MiB buffer: V8 writes the buffer once, and the views
    /// were 1.6 GB when each copied its bytes. They share the buffer's bytes now.
    @Test func aHundredViewsOfOneBufferShareIt() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                try await Self.withinMemory(512 << 20) {
                    let value = try runtime.eval(
                        """
                        const b = new Uint8Array(60 << 20); for (let i = 0; i < 100; i++) b[i] = i
                        Array.from({ length: 100 }, (_, i) => new Uint8Array(b.buffer, i, 15 << 20))
                        """)
                    let views = value.arrayValue?.compactMap(\.bytesValue) ?? []
                    try check(views.count == 100 && views.allSatisfy { $0.data.count == 15 << 20 }, "not 100 views")
                    try check(views.enumerated().allSatisfy { $0.element.data.first == UInt8($0.offset) }, "bytes")
                    let addresses = views.map { $0.data.withUnsafeBytes { Int(bitPattern: $0.baseAddress) } }
                    try check(addresses[99] == addresses[1] + 98, "the views do not share the buffer")
                }
            }
        }
    }

    // MARK: - A value past maxBytes

    /// A 512 MiB Uint8Array (untouched: no memory yet) was copied whole into the serializer's
    /// buffer before the limit refused it, costing its size and seconds; it is refused before.
    @Test func aLargeUint8ArrayIsRefusedBeforeItIsSerialized() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime()
                try await Self.withinMemory(256 << 20) {
                    try Self.refusedForItsSize(Result { try runtime.eval("new Uint8Array(512 << 20)") })
                }
                try check(try runtime.eval("new Uint8Array([1, 2])") == .bytes(JSBytes([1, 2] as [UInt8])), "after")
            }
        }
    }

    @Test func theLimitIsTheSameWhereverTheShimChecksIt() async throws {
        let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxBytes: 1 << 20)))
        defer { runtime.close() }
        // Just within: the header, the tags and lengths, and the bytes.
        #expect(try runtime.eval("new Uint8Array((1 << 20) - 20)").bytesValue?.count == (1 << 20) - 20)
        for source in [
            "new Uint8Array(1 << 20)", "new Uint8Array(64 << 20)", "'y'.repeat(1 << 20)",
            "Array.from({ length: 200000 }, (_, i) => i)",
        ] {
            try Self.refusedForItsSize(Result { try runtime.eval(source) }, limit: 1 << 20)
        }
        // A promise's value, and a function's result.
        await #expect(throws: RuntimeError.self) {
            try await runtime.evalAsync("Promise.resolve(new Uint8Array(8 << 20))")
        }
        let make = try #require(try runtime.eval("(n) => new Uint8Array(n)").function)
        #expect(throws: RuntimeError.self) { try make.call(8_388_608) }
        #expect(try make.call(10).bytesValue?.count == 10)
        // A thrown value past the limit arrives as the exception, without the value.
        let thrown = #expect(throws: JavaScriptError.self) { try runtime.eval("throw new Uint8Array(8 << 20)") }
        #expect(thrown?.thrownValue == nil)
        #expect(try runtime.eval("'still usable'") == "still usable")
    }

    @Test func consoleArgumentsPastTheLimitAreANotice() throws {
        let lines = Mutex<[String]>([])
        let runtime = try Runtime(
            RuntimeConfig(
                console: .handler { message in lines.withLock { $0.append(message.text) } },
                conversionLimits: ConversionLimits(maxBytes: 1 << 20)))
        defer { runtime.close() }
        try runtime.eval("console.log('big:', new Uint8Array(64 << 20)); console.log('small', [1, 2])")
        #expect(
            lines.withLock { $0 } == [
                "[arguments that take more than 1048576 bytes (ConversionLimits.maxBytes), not shown]",
                "small [ 1, 2 ]",
            ])
    }

    // MARK: - Timers

    /// A million `setTimeout(f, 1e9, ...hundredArgs)` held 5 GB outside a 16 MiB heap (a handle
    /// per argument). Each timer takes one slot and one per argument, 65,536 slots for a 16 MiB
    /// heap: past them, a RangeError in JavaScript.
    @Test func aMillionTimersWithAHundredArgumentsEach() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(maxHeapSize: 16 << 20))
                try await Self.withinMemory(256 << 20) {
                    let outcome = try runtime.eval(
                        """
                        const args = Array.from({ length: 100 }, (_, i) => i)
                        let set = 0, error
                        try { for (; set < 1e6; set++) setTimeout(() => {}, 1e9, ...args) } catch (e) { error = e }
                        [set, error instanceof RangeError, String(error)]
                        """)
                    try check(outcome[0] == 648 && outcome[1] == true, "\(outcome)")
                    try check(outcome[2]?.stringValue?.contains("RuntimeConfig.maxPendingTimers") == true, "\(outcome)")
                }
                try check(try runtime.eval("'usable'") == "usable", "the runtime does not work afterwards")
                runtime.close()
            }
        }
    }

    @Test func pendingTimersAreCountedWithTheirArguments() async throws {
        let runtime = try Runtime(RuntimeConfig(maxPendingTimers: 10))
        defer { runtime.close() }
        let ids = try runtime.eval(
            "globalThis.ids = []; for (let i = 0; i < 10; i++) ids.push(setTimeout(() => {}, 1e9)); 1")
        #expect(ids == 1)
        let full = #expect(throws: JavaScriptError.self) { try runtime.eval("setTimeout(() => {}, 1e9)") }
        #expect(full?.name == "RangeError")
        #expect(full?.message.contains("setTimeout: too many pending timers (10 of 10 slots taken") == true)
        #expect(throws: JavaScriptError.self) { try runtime.eval("setInterval(() => {}, 1e9)") }
        // A cleared timer frees its slot; one with arguments takes one per argument.
        try runtime.eval("clearTimeout(ids.pop()); clearTimeout(ids.pop()); clearTimeout(ids.pop())")
        try runtime.eval("ids.push(setTimeout(() => {}, 1e9, 'a', 'b'))")
        #expect(throws: JavaScriptError.self) { try runtime.eval("setTimeout(() => {}, 1e9, 'a')") }
        #expect(try runtime.stats().activeTimers == 8)
        // A timer that ran frees its slots, and its arguments arrive.
        try runtime.eval("ids.forEach(clearTimeout); globalThis.got = []")
        try runtime.eval("for (let i = 0; i < 3; i++) setTimeout((a, b) => got.push(a + b), 0, i, 1)")
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("got") == [1, 2, 3])
        #expect(
            try runtime.eval("for (let i = 0; i < 10; i++) setTimeout(() => {}, 1e9); 'room again'") == "room again")
    }

    @Test func timersSetAndClearedInALoopHoldNothing() throws {
        let runtime = try Runtime(RuntimeConfig(maxPendingTimers: 1))
        defer { runtime.close() }
        #expect(
            try runtime.eval("for (let i = 0; i < 200000; i++) clearTimeout(setTimeout(() => {}, 1e9)); 'done'")
                == "done")
        #expect(try runtime.stats().activeTimers == 0)
        // An interval is pending until cleared.
        try runtime.eval("globalThis.tick = setInterval(() => {}, 1e9)")
        #expect(throws: JavaScriptError.self) { try runtime.eval("setTimeout(() => {}, 0)") }
        try runtime.eval("clearInterval(tick)")
        #expect(try runtime.eval("typeof setTimeout(() => {}, 1e9)") == "number")
    }

    @Test func theTimerLimitIsDerivedFromTheHeapAndChecked() throws {
        #expect(RuntimeConfig().pendingTimerSlots == 1_000_000)
        #expect(RuntimeConfig(maxHeapSize: 16 << 20).pendingTimerSlots == 65_536)
        #expect(RuntimeConfig(maxHeapSize: 16 << 20, maxPendingTimers: 5).pendingTimerSlots == 5)
        #expect(throws: RuntimeError.invalidConfiguration("maxPendingTimers must be at least 1, not 0")) {
            try Runtime(RuntimeConfig(maxPendingTimers: 0))
        }
    }
}
