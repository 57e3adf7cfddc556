/// Text between V8's two string encodings and Swift's UTF-8, at close to the speed of a copy.
///
/// V8 keeps a string in one byte per character (Latin-1) when every character fits, and in
/// UTF-16 otherwise; its format writes them as they are. A Swift `String` is UTF-8. Going
/// through the standard library's generic transcoding costs about 150 ns a character, so each
/// direction is done here by hand, eight bytes at a time while the text is ASCII (a machine
/// word whose bytes are all below 0x80 is copied, or widened, whole). Each result is counted
/// before it is written, so it is allocated once, at its exact size.
///
/// What comes out equals what the standard library's decoding gives: in particular a lone
/// surrogate in UTF-16, which JavaScript allows and `String` cannot hold, becomes U+FFFD.
enum V8Text {
    /// The high bit of each byte of a word: a word is ASCII when it has none of them.
    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    /// The bits of four UTF-16 code units in a word that an ASCII unit (below 0x80) lacks.
    private static let nonASCIIUnits: UInt64 = 0xFF80_FF80_FF80_FF80

    // MARK: - Out of V8

    /// Latin-1 text as a `String`: ASCII as it is, each byte from 0x80 as two UTF-8 bytes.
    static func string(latin1 input: UnsafeRawBufferPointer) -> String {
        let extra = countHighBytes(input)
        if extra == 0 { return String(decoding: input, as: UTF8.self) }
        let count = input.count + extra
        return String(unsafeUninitializedCapacity: count) { output in
            expandLatin1(input, into: output)
            return count
        }
    }

    /// Little-endian UTF-16 text as a `String`; `input.count` is even.
    static func string(utf16LittleEndian input: UnsafeRawBufferPointer) -> String {
        let count = utf8Count(utf16LittleEndian: input)
        return String(unsafeUninitializedCapacity: count) { output in
            transcode(utf16LittleEndian: input, into: output)
        }
    }

    /// The bytes from 0x80, counted eight at a time.
    private static func countHighBytes(_ input: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var index = 0
        while index + 8 <= input.count {
            count += (input.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highBits).nonzeroBitCount
            index += 8
        }
        while index < input.count {
            count += Int(input[index] >> 7)
            index += 1
        }
        return count
    }

    private static func expandLatin1(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) {
        let out = UnsafeMutableRawBufferPointer(output)
        var index = 0
        var written = 0
        while index < input.count {
            // A word at a time while it is ASCII; else its bytes one by one.
            let end = min(index + 8, input.count)
            if end - index == 8 {
                let word = input.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & highBits == 0 {
                    out.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                    index += 8
                    written += 8
                    continue
                }
            }
            while index < end {
                let byte = input[index]
                if byte < 0x80 {
                    out[written] = byte
                    written += 1
                } else {
                    out[written] = 0xC0 | byte >> 6
                    out[written + 1] = 0x80 | byte & 0x3F
                    written += 2
                }
                index += 1
            }
        }
    }

    /// The UTF-8 length of UTF-16 text: one byte for a unit below 0x80, two below 0x800,
    /// three for the others and for a lone surrogate (as U+FFFD), four for a surrogate pair.
    private static func utf8Count(utf16LittleEndian input: UnsafeRawBufferPointer) -> Int {
        let units = input.count / 2
        var count = 0
        var index = 0
        while index < units {
            // Four units at a time while they are ASCII; else one by one.
            let end = min(index + 4, units)
            if end - index == 4 && input.loadUnaligned(fromByteOffset: 2 * index, as: UInt64.self) & nonASCIIUnits == 0 {
                count += 4
                index += 4
                continue
            }
            while index < end {
                let unit = unit(input, index)
                count += 1 + (unit >= 0x80 ? 1 : 0) + (unit >= 0x800 ? 1 : 0)
                // A pair is four bytes: one more than its high surrogate counted, none for its low.
                if isHighSurrogate(unit) && index + 1 < units && isLowSurrogate(self.unit(input, index + 1)) {
                    count += 1
                    index += 1
                }
                index += 1
            }
        }
        return count
    }

    /// Writes the UTF-8 of UTF-16 text, as counted by `utf8Count`; returns the bytes written.
    private static func transcode(
        utf16LittleEndian input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        let out = UnsafeMutableRawBufferPointer(output)
        let units = input.count / 2
        var index = 0
        var written = 0
        while index < units {
            let end = min(index + 4, units)
            if end - index == 4 {
                let word = input.loadUnaligned(fromByteOffset: 2 * index, as: UInt64.self)
                if word & nonASCIIUnits == 0 {
                    // Four units to four bytes: the low byte of each 16-bit lane.
                    let narrowed = word & 0xFF | word >> 8 & 0xFF00 | word >> 16 & 0xFF_0000 | word >> 24 & 0xFF00_0000
                    out.storeBytes(of: UInt32(truncatingIfNeeded: narrowed), toByteOffset: written, as: UInt32.self)
                    index += 4
                    written += 4
                    continue
                }
            }
            while index < end {
                var scalar = UInt32(unit(input, index))
                index += 1
                if scalar < 0x80 {
                    out[written] = UInt8(scalar)
                    written += 1
                } else if scalar < 0x800 {
                    out[written] = UInt8(0xC0 | scalar >> 6)
                    out[written + 1] = UInt8(0x80 | scalar & 0x3F)
                    written += 2
                } else if isHighSurrogate(UInt16(scalar)) && index < units && isLowSurrogate(unit(input, index)) {
                    scalar = 0x1_0000 + (scalar - 0xD800) << 10 + (UInt32(unit(input, index)) - 0xDC00)
                    index += 1
                    out[written] = UInt8(0xF0 | scalar >> 18)
                    out[written + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
                    out[written + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
                    out[written + 3] = UInt8(0x80 | scalar & 0x3F)
                    written += 4
                } else {
                    if scalar & 0xF800 == 0xD800 { scalar = 0xFFFD }  // a lone surrogate
                    out[written] = UInt8(0xE0 | scalar >> 12)
                    out[written + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
                    out[written + 2] = UInt8(0x80 | scalar & 0x3F)
                    written += 3
                }
            }
        }
        return written
    }

    @inline(__always)
    private static func unit(_ input: UnsafeRawBufferPointer, _ index: Int) -> UInt16 {
        UInt16(littleEndian: input.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
    }

    @inline(__always)
    private static func isHighSurrogate(_ unit: UInt16) -> Bool { unit & 0xFC00 == 0xD800 }

    @inline(__always)
    private static func isLowSurrogate(_ unit: UInt16) -> Bool { unit & 0xFC00 == 0xDC00 }

    // MARK: - Into V8

    /// How V8 would hold a string, from its UTF-8: in one byte per character, when every
    /// character is below U+0100 (`latin1Count` characters), or else in `utf16Count` UTF-16
    /// code units.
    enum Width: Equatable {
        case latin1(count: Int)
        case utf16(count: Int)
    }

    /// The width of valid UTF-8 text. In UTF-8, U+0080...U+00FF begin with 0xC2 or 0xC3, and
    /// every other byte from 0x80 belongs to a character beyond Latin-1 or continues one.
    static func width(utf8 input: UnsafeBufferPointer<UInt8>) -> Width {
        let raw = UnsafeRawBufferPointer(input)
        var pairs = 0
        var index = 0
        while index < raw.count {
            let end = min(index + 8, raw.count)
            if end - index == 8 && raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highBits == 0 {
                index += 8
                continue
            }
            while index < end {
                let byte = raw[index]
                if byte >= 0x80 {
                    guard byte == 0xC2 || byte == 0xC3 else { return .utf16(count: utf16Count(utf8: raw)) }
                    pairs += 1
                    index += 1  // its continuation byte
                }
                index += 1
            }
        }
        return .latin1(count: raw.count - pairs)
    }

    /// UTF-16 code units for valid UTF-8: one for each byte but a continuation byte
    /// (`10xxxxxx`), and one more for each four-byte character (lead byte from 0xF0).
    private static func utf16Count(utf8 input: UnsafeRawBufferPointer) -> Int {
        var continuations = 0
        var fourByteLeads = 0
        var index = 0
        while index + 8 <= input.count {
            let word = input.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // Bit 7 of each byte set where the byte's bits 7 and 6 are 1 and 0, or 1111.
            continuations += (word & ~(word << 1) & highBits).nonzeroBitCount
            fourByteLeads += (word & word << 1 & word << 2 & word << 3 & highBits).nonzeroBitCount
            index += 8
        }
        while index < input.count {
            let byte = input[index]
            if byte & 0xC0 == 0x80 { continuations += 1 }
            if byte >= 0xF0 { fourByteLeads += 1 }
            index += 1
        }
        return input.count - continuations + fourByteLeads
    }

    /// Writes valid UTF-8 text whose characters are all below U+0100 as Latin-1.
    static func writeLatin1(utf8 input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) {
        let raw = UnsafeRawBufferPointer(input)
        let out = UnsafeMutableRawBufferPointer(output)
        var index = 0
        var written = 0
        while index < raw.count {
            let end = min(index + 8, raw.count)
            if end - index == 8 {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & highBits == 0 {
                    out.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                    index += 8
                    written += 8
                    continue
                }
            }
            while index < end {
                let byte = raw[index]
                if byte < 0x80 {
                    out[written] = byte
                    index += 1
                } else {
                    out[written] = byte << 6 | raw[index + 1] & 0x3F
                    index += 2
                }
                written += 1
            }
        }
    }

    /// Writes valid UTF-8 text as little-endian UTF-16.
    static func writeUTF16LittleEndian(
        utf8 input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) {
        let raw = UnsafeRawBufferPointer(input)
        let out = UnsafeMutableRawBufferPointer(output)
        var index = 0
        var written = 0
        func put(_ unit: UInt32) {
            out.storeBytes(of: UInt16(truncatingIfNeeded: unit).littleEndian, toByteOffset: written, as: UInt16.self)
            written += 2
        }
        while index < raw.count {
            let end = min(index + 8, raw.count)
            if end - index == 8 {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & highBits == 0 {
                    // Eight bytes to eight units: each byte to the low byte of a 16-bit lane.
                    out.storeBytes(of: widened(word).littleEndian, toByteOffset: written, as: UInt64.self)
                    out.storeBytes(of: widened(word >> 32).littleEndian, toByteOffset: written + 8, as: UInt64.self)
                    index += 8
                    written += 16
                    continue
                }
            }
            // `String` holds valid UTF-8, so every sequence is complete and well-formed.
            while index < end {
                let lead = UInt32(raw[index])
                if lead < 0x80 {
                    put(lead)
                    index += 1
                } else if lead < 0xE0 {
                    put((lead & 0x1F) << 6 | UInt32(raw[index + 1] & 0x3F))
                    index += 2
                } else if lead < 0xF0 {
                    put((lead & 0x0F) << 12 | UInt32(raw[index + 1] & 0x3F) << 6 | UInt32(raw[index + 2] & 0x3F))
                    index += 3
                } else {
                    let scalar =
                        (lead & 0x07) << 18 | UInt32(raw[index + 1] & 0x3F) << 12 | UInt32(raw[index + 2] & 0x3F) << 6
                        | UInt32(raw[index + 3] & 0x3F)
                    put(0xD800 | (scalar - 0x1_0000) >> 10)
                    put(0xDC00 | scalar & 0x3FF)
                    index += 4
                }
            }
        }
    }

    /// The low four bytes of `word`, each in a 16-bit lane of its own.
    @inline(__always)
    private static func widened(_ word: UInt64) -> UInt64 {
        var lanes = word & 0xFFFF_FFFF
        lanes = (lanes | lanes << 16) & 0x0000_FFFF_0000_FFFF
        return (lanes | lanes << 8) & 0x00FF_00FF_00FF_00FF
    }
}
