import JSRunConvert

// The fuzz targets, called by the small C executables that libFuzzer links with (a Swift
// executable's `main` would clash with libFuzzer's own).

/// libFuzzer's set-up (`LLVMFuzzerInitialize`): the writer's seeds go into the corpus folder,
/// the first argument that is not an option, if there is one.
@_cdecl("jsrun_fuzz_initialize")
public func initialize(_ argc: Int32, _ argv: UnsafePointer<UnsafePointer<CChar>?>) -> Int32 {
    let arguments = (0..<Int(argc)).compactMap { argv[$0].map { String(cString: $0) } }
    if let directory = FuzzSeeds.corpusDirectory(arguments) { FuzzSeeds.write(into: directory) }
    return 0
}

/// The reader's target: each input read as `JSValue(v8Serialized:)`, which gives a value or a
/// V8SerializationError, within the allocation bound. AddressSanitizer stops any read past the
/// input; libFuzzer any crash, hang, or allocation past its `-malloc_limit_mb`.
@_cdecl("jsrun_fuzz_read")
public func read(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = FuzzReading.read(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// The round trip's target: what the reader accepts, the writer writes back, and the reader
/// reads again to an equal value, which the writer writes as the same bytes.
@_cdecl("jsrun_fuzz_round_trip")
public func roundTrip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    roundTrip(UnsafeRawBufferPointer(start: data, count: size))
}

func roundTrip(_ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard case .success(let value) = FuzzReading.read(bytes) else {
        return 0
    }
    // The written value may take more bytes than the data did (a hole is 1 byte here, a
    // number of 1 or 9), so only the depth is limited again.
    let limits = ConversionLimits(maxDepth: FuzzReading.limits.maxDepth, maxBytes: .max)
    let written: [UInt8]
    do {
        written = Array(try value.v8Serialized(limits: limits))
    } catch {
        FuzzReading.fail("the writer refused what the reader accepted: \(error)\nvalue: \(value)")
    }
    let again: JSValue
    do {
        again = try JSValue(v8Serialized: written, limits: limits)
    } catch {
        FuzzReading.fail("the reader refused what the writer wrote: \(error)\nvalue: \(value)")
    }
    guard again == value else { FuzzReading.fail("read back as another value:\n\(value)\n\(again)") }
    guard let rewritten = try? again.v8Serialized(limits: limits), Array(rewritten) == written else {
        FuzzReading.fail("written again as other bytes: \(value)")
    }
    return 0
}
