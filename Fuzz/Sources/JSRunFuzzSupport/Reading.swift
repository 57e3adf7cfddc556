import CJSRunFuzzAllocations
import JSRunConvert

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the fuzz targets read with, and the bound on what reading may allocate.
public enum FuzzReading {
    /// The limits every input is read with: the default depth, and 1 MiB, so that a value that
    /// passes the limit (by its holes) is found by libFuzzer's short inputs.
    public static let limits = ConversionLimits(maxDepth: 100, maxBytes: 1 << 20)

    /// The most a value read from `inputCount` bytes may allocate at once: its holes up to the
    /// limit (24 bytes each, counted in `maxBytes`), and a fixed multiple of the input for what
    /// each byte of it can become in Swift (a `JSValue` and an array's storage per element, an
    /// object's keys and values, its shape's keys). A crafted input that made the reader
    /// allocate more than the limit (gigabytes from 447 bytes) is caught by this bound.
    public static func allocationBound(inputCount: Int) -> Int {
        limits.maxBytes + bytesPerInputByte * inputCount + 64 << 10
    }

    /// What one byte of input may become at most, in bytes allocated: measured by fuzzing (the
    /// most seen is below a third of it), not derived.
    public static let bytesPerInputByte = 128

    /// Reads `bytes` as `JSValue(v8Serialized:)` does, with ``limits``, and stops the process
    /// (which libFuzzer reports as a crash, with the input) when reading allocated more than
    /// ``allocationBound(inputCount:)``. A `V8SerializationError` is a result like a value.
    public static func read(_ bytes: UnsafeRawBufferPointer) -> Result<JSValue, V8SerializationError> {
        jsrun_fuzz_allocations_begin()
        let result = Result { () throws(V8SerializationError) in try JSValue(v8Serialized: bytes, limits: limits) }
        let peak = jsrun_fuzz_allocations_peak()
        let bound = allocationBound(inputCount: bytes.count)
        AllocationRecord.note(peak: peak, inputCount: bytes.count)
        if peak > bound {
            fail("reading \(bytes.count) bytes allocated \(peak) bytes at its peak, more than the bound, \(bound)")
        }
        return result
    }

    /// Reports a broken property and stops, so that libFuzzer keeps the input that broke it.
    public static func fail(_ message: String) -> Never {
        let line = "fuzz target: \(message)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}

/// The most that reading one input allocated at once over the run, and the nearest an input
/// came to its bound, printed when the fuzzer exits (libFuzzer stops with `exit`).
enum AllocationRecord {
    nonisolated(unsafe) static var mostBytes = 0
    nonisolated(unsafe) static var mostBytesInput = 0
    nonisolated(unsafe) static var nearest = 0.0
    nonisolated(unsafe) static var nearestInput = 0
    nonisolated(unsafe) static var printsAtExit = false

    static func note(peak: Int, inputCount: Int) {
        if !printsAtExit {
            printsAtExit = true
            atexit { AllocationRecord.print() }
        }
        if peak > mostBytes { (mostBytes, mostBytesInput) = (peak, inputCount) }
        let share = Double(peak) / Double(FuzzReading.allocationBound(inputCount: inputCount))
        if share > nearest { (nearest, nearestInput) = (share, inputCount) }
    }

    static func print() {
        let bound = FuzzReading.allocationBound(inputCount: mostBytesInput)
        let line = """
            fuzz target: reading one input allocated at most \(mostBytes) bytes at once (an input of \
            \(mostBytesInput) bytes, whose bound is \(bound)); the nearest to its bound was an input of \
            \(nearestInput) bytes, at \(Int(nearest * 100))% of it

            """
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
