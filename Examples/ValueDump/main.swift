import Foundation
// ValueDump reads and writes JavaScript values in V8's serialization format, the format of
// Node's `v8.serialize`, with `JSRunConvert` alone: no V8, no runtime.
//
//   swift run JSRunValueDump FILE            prints the value in FILE, as Node's util.inspect shows it
//   swift run JSRunValueDump --max-depth N FILE    the same, for values up to N levels deep (100 by
//                                            default; never deeper than the main thread's stack holds)
//   swift run JSRunValueDump --write FILE    writes a sample value to FILE, for Node to read
import JSRunConvert

/// What `--write` writes: a Swift value that becomes JavaScript through `JSValueEncoder`.
struct Sample: Encodable {
    var name = "ValueDump"
    var created = Date(timeIntervalSince1970: 1_704_067_200)  // a Date
    var id = UInt64.max  // a BigInt: no JavaScript number holds it exactly
    var samples = JSBytes([1.5, -2, 0.25] as [Float])  // a Float32Array
    var ranks: JSMap = [1: "Ada", 2: "Grace"]  // a Map
    var nested = Nested()

    struct Nested: Encodable {
        var tags = ["math", "engines"]
        var checksum = Data([0xCA, 0xFE])  // a Uint8Array
        var note: String? = nil  // left out, as JSON leaves it out
    }
}

func write(to path: String) throws {
    var encoder = JSValueEncoder()
    encoder.largeIntegerEncodingStrategy = .bigInt
    let value = try encoder.encode(Sample())
    try value.v8Serialized().write(to: URL(fileURLWithPath: path))
}

func dump(_ path: String, maxDepth: Int = ConversionLimits.default.maxDepth) throws {
    let limits = ConversionLimits(maxDepth: maxDepth, maxBytes: ConversionLimits.default.maxBytes)
    let value = try JSValue(v8Serialized: Data(contentsOf: URL(fileURLWithPath: path)), limits: limits)
    print(value)
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.count {
    case 1 where !arguments[0].hasPrefix("-"): try dump(arguments[0])
    case 2 where arguments[0] == "--write": try write(to: arguments[1])
    case 3 where arguments[0] == "--max-depth" && Int(arguments[1]).map { $0 >= 1 } == true:
        try dump(arguments[2], maxDepth: Int(arguments[1])!)
    default:
        FileHandle.standardError.write(
            Data("usage: ValueDump [--max-depth N] FILE | ValueDump --write FILE\n".utf8))
        exit(2)
    }
} catch let error as V8SerializationError {
    FileHandle.standardError.write(Data("ValueDump: \(error)\n".utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("ValueDump: \(error.localizedDescription)\n".utf8))
    exit(1)
}
