import Foundation
import Testing

@testable import JSRunConvert

/// Many generated values through the writer and back through the reader: objects of few shapes
/// nested in each other (the reader shares keys between objects of one shape), with every kind
/// of value inside. Deterministic: the generator is seeded.
@Suite struct RoundTripPropertyTests {
    @Test(arguments: 0..<20)
    func generatedValuesComeBackEqualWithTheirKeyOrder(seed: UInt64) throws {
        var generator = Generator(seed: seed)
        let value = generator.value(depth: 0)
        let bytes = try V8ValueWriter.encode(value)
        let decoded = try bytes.withUnsafeBytes { try V8ValueReader.decode($0) }
        #expect(decoded == value)
        #expect(Self.keyOrders(decoded) == Self.keyOrders(value))
    }

    /// The keys of every object, in order, depth first: equality alone does not compare them.
    static func keyOrders(_ value: JSValue) -> [[String]] {
        switch value {
        case .object(let object): [object.keys] + object.values.flatMap(keyOrders)
        case .array(let elements), .set(let elements): elements.flatMap(keyOrders)
        case .map(let map): map.flatMap { keyOrders($0.key) + keyOrders($0.value) }
        default: []
        }
    }
}

/// A small deterministic generator (SplitMix64) of JSValues.
private struct Generator {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Keys from a small pool, in a few fixed orders, so that shapes repeat and differ by one key.
    static let shapes: [[String]] = [
        ["a", "b"], ["a", "b", "c"], ["a"], ["b", "a"], ["x", "y"], ["a", "é", "€"], [],
    ]

    mutating func value(depth: Int) -> JSValue {
        let leaf = depth >= 4 || below(3) == 0
        if leaf {
            switch below(7) {
            case 0: return .number(Double(below(1000)) / 4)
            case 1: return .string(["", "s", "é", "€ and more", "item\(below(100))"][below(5)])
            case 2: return .bool(below(2) == 0)
            case 3: return .bigInt(JSBigInt(Int64(below(1 << 20)) - (1 << 19)))
            case 4: return .date(JSDate(millisecondsSince1970: Double(below(1 << 30))))
            case 5: return .bytes(JSBytes((0..<below(4)).map { _ in Int32(below(100)) - 50 }))
            default: return below(2) == 0 ? .null : .undefined
            }
        }
        switch below(4) {
        case 0:
            return .array((0..<below(5)).map { _ in value(depth: depth + 1) })
        case 1:
            return .map(JSMap((0..<below(3)).map { index in (.number(Double(index)), value(depth: depth + 1)) }))
        case 2:
            return .set((0..<below(3)).map { index in .string("e\(index)") })
        default:
            let keys = Self.shapes[below(Self.shapes.count)]
            return .object(JSObject(keys.map { ($0, value(depth: depth + 1)) }))
        }
    }
}
