import Foundation
import Testing

@testable import JSRunConvert

/// Strings of every kind V8 holds (ASCII, Latin-1, UTF-16 with and without surrogate pairs,
/// UTF-16 with lone surrogates), at every size from empty to beyond 1 MiB and with the
/// characters that are not ASCII at every offset in a machine word: the writer writes what V8
/// writes, and the reader reads what the standard library's own decoding gives, which is what
/// it gave before its fast paths.
@Suite("Text of every alphabet")
struct TextTests {
    /// Sizes around each word boundary the fast paths use, and beyond 1 MiB.
    static let sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 255, 4096, (1 << 20) + 3]

    /// One alphabet per kind of string: what its characters are drawn from.
    struct Alphabet: CustomTestStringConvertible, Sendable {
        let name: String
        let characters: [Character]
        var testDescription: String { name }

        static let all = [
            Alphabet(name: "ASCII", characters: ["a", "Z", "0", " ", "\0", "\u{7F}"]),
            Alphabet(name: "Latin-1", characters: ["a", "é", "\u{80}", "\u{FF}", "ß", " "]),
            Alphabet(name: "Latin-1 only above 0x7F", characters: ["é", "\u{80}", "\u{FF}", "ñ"]),
            Alphabet(name: "two-byte", characters: ["a", "ж", "\u{100}", "\u{7FF}", "\u{800}", "€", "\u{FFFF}", "é"]),
            Alphabet(name: "two-byte only", characters: ["ж", "字", "\u{FFFD}", "\u{800}"]),
            Alphabet(name: "surrogate pairs", characters: ["😀", "\u{10000}", "\u{10FFFF}", "a", "ж"]),
            Alphabet(name: "mostly ASCII, one two-byte", characters: ["a", "b", "c", "d", "e", "f", "g", "ж"]),
        ]
    }

    @Test(arguments: Alphabet.all)
    func swiftStringsCrossBothWaysAsV8HoldsThem(_ alphabet: Alphabet) throws {
        var random = SplitMix(seed: UInt64(alphabet.name.utf8.count))
        for size in Self.sizes {
            let string = String((0..<size).map { _ in alphabet.characters[random.below(alphabet.characters.count)] })
            let bytes = try V8ValueWriter.encode(.string(string))
            #expect(bytes == Self.v8Bytes(of: string), "\(alphabet.name), \(size) characters: not V8's bytes")
            let read = try bytes.withUnsafeBytes { try V8ValueReader.decode($0) }
            #expect(read == .string(string), "\(alphabet.name), \(size) characters: not the same string read back")
        }
    }

    @Test func everyLatin1ByteAtEveryOffsetReadsAsTheStandardLibraryDecodesIt() throws {
        let all = (0...255).map(UInt8.init)
        for size in Self.sizes {
            for offset in 0..<9 {
                let latin1 = (0..<size).map { all[($0 * 7 + offset) % 256] }
                let expected = String(decoding: latin1.map(UInt16.init), as: UTF16.self)
                #expect(try Self.read(tag: "\"", latin1) == expected, "\(size) bytes at offset \(offset)")
            }
        }
    }

    @Test func utf16WithLoneSurrogatesReadsAsTheStandardLibraryDecodesIt() throws {
        // Lone high and low surrogates, reversed pairs, pairs, and units on either side.
        let units: [UInt16] = [0x61, 0xD800, 0xDC00, 0xDBFF, 0xDFFF, 0x436, 0xE9, 0x7F, 0x80, 0x800, 0xFFFF]
        var random = SplitMix(seed: 16)
        for size in Self.sizes {
            for _ in 0..<4 {
                let text = (0..<size).map { _ in units[random.below(units.count)] }
                let expected = String(decoding: text, as: UTF16.self)
                let bytes = text.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
                #expect(try Self.read(tag: "c", bytes) == expected, "\(size) units")
            }
        }
        // At the very end and the very start.
        #expect(try Self.read(tag: "c", [0x61, 0, 0x00, 0xD8]) == "a\u{FFFD}")
        #expect(try Self.read(tag: "c", [0x00, 0xDC, 0x61, 0]) == "\u{FFFD}a")
        #expect(try Self.read(tag: "c", [0x3D, 0xD8, 0x00, 0xDE]) == "😀")
    }

    /// A string value of the given tag and content, after the header, as read.
    static func read(tag: Unicode.Scalar, _ content: [UInt8]) throws -> String? {
        var bytes: [UInt8] = [0xFF, 0x0F, UInt8(ascii: tag)]
        var length = UInt(content.count)
        while length >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
        return try (bytes + content).withUnsafeBytes { try V8ValueReader.decode($0) }.stringValue
    }

    /// What V8 writes for a string alone, worked out the simple way: Latin-1 when every scalar
    /// is below U+0100, else UTF-16 at an even offset (a padding byte first when needed).
    static func v8Bytes(of string: String) -> [UInt8] {
        func varint(_ value: Int) -> [UInt8] {
            var value = UInt(value)
            var bytes: [UInt8] = []
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            return bytes + [UInt8(value)]
        }
        if string.unicodeScalars.allSatisfy({ $0.value < 0x100 }) {
            let latin1 = string.unicodeScalars.map { UInt8($0.value) }
            return [0xFF, 0x0F, UInt8(ascii: "\"")] + varint(latin1.count) + latin1
        }
        let utf16 = string.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
        let length = varint(utf16.count)
        let padding: [UInt8] = (2 + 1 + length.count) % 2 == 1 ? [0] : []
        return [0xFF, 0x0F] + padding + [UInt8(ascii: "c")] + length + utf16
    }
}

/// A small seeded generator, so that each run draws the same strings.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
