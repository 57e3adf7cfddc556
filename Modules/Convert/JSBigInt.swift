/// A JavaScript BigInt: an integer of any size, held as a sign and a magnitude.
///
/// ```swift
/// let big = JSBigInt("-123456789012345678901234567890")!
/// big.description              // "-123456789012345678901234567890"
/// Int(exactly: JSBigInt(42))   // 42
/// Int(exactly: big)            // nil: it does not fit
/// ```
///
/// The magnitude is stored as 64-bit words, least significant first, with no leading zero
/// words, which is also how V8 lays out a BigInt's digits; zero has no words and is never
/// negative. Two values are equal when they are the same integer.
public struct JSBigInt: Sendable, Hashable {
    /// Whether the integer is below zero.
    public private(set) var isNegative: Bool
    /// The magnitude in 64-bit words, least significant first, without leading zero words.
    public private(set) var words: [UInt64]

    /// The integer `±magnitude`; leading zero words are dropped and a zero is never negative.
    public init(isNegative: Bool, words: [UInt64]) {
        var words = words
        while words.last == 0 { words.removeLast() }
        self.words = words
        self.isNegative = isNegative && !words.isEmpty
    }

    /// The integer `value`, of any Swift integer type.
    public init<T: BinaryInteger>(_ value: T) {
        var words: [UInt64] = []
        var magnitude = value.magnitude
        while magnitude != 0 {
            words.append(UInt64(truncatingIfNeeded: magnitude))
            magnitude >>= 64
        }
        self.init(isNegative: value < 0, words: words)
    }

    /// Zero.
    public static let zero = JSBigInt(isNegative: false, words: [])

    /// The sign of the integer: -1, 0 or 1.
    public var signum: Int { words.isEmpty ? 0 : (isNegative ? -1 : 1) }
}

extension JSBigInt: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

// MARK: - Conversion to Swift integers

extension FixedWidthInteger {
    /// The integer `bigInt` as this type, or `nil` when it does not fit.
    public init?(exactly bigInt: JSBigInt) {
        var magnitude: Magnitude = 0
        for word in bigInt.words.reversed() {
            // Making room for another word loses bits unless the type is wide enough.
            guard magnitude == 0 || (Magnitude.bitWidth > 64 && magnitude.leadingZeroBitCount >= 64),
                let part = Magnitude(exactly: word)
            else { return nil }
            magnitude = (Magnitude.bitWidth > 64 ? magnitude << 64 : 0) | part
        }
        if bigInt.isNegative {
            // `min` of a signed type has a magnitude one beyond `max`.
            guard Self.isSigned, magnitude <= Self.min.magnitude else { return nil }
            self = magnitude == Self.min.magnitude ? Self.min : 0 - Self(magnitude)
        } else {
            guard let value = Self(exactly: magnitude) else { return nil }
            self = value
        }
    }
}

// MARK: - Decimal text

extension JSBigInt: LosslessStringConvertible {
    /// The largest power of ten in a word: the decimal text is made 19 digits at a time.
    private static let chunk: UInt64 = 10_000_000_000_000_000_000

    /// The integer in decimal, as JavaScript's `String(bigint)` writes it (no `n`).
    public var description: String {
        guard !words.isEmpty else { return "0" }
        var remaining = words
        var chunks: [UInt64] = []
        while !remaining.isEmpty { chunks.append(Self.divide(&remaining, by: Self.chunk)) }
        var text = isNegative ? "-" : ""
        text += String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// Parses a decimal integer with an optional sign, as `BigInt("...")` does for decimal text.
    /// `nil` when `text` is empty or holds anything but digits after the sign.
    public init?(_ text: String) {
        var digits = Substring(text)
        var isNegative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            isNegative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var words: [UInt64] = []
        // Each step multiplies by 10^k and adds the next k digits, k at most 19.
        while !digits.isEmpty {
            let part = digits.prefix(19)
            digits = digits.dropFirst(part.count)
            var scale: UInt64 = 1
            for _ in 0..<part.count { scale *= 10 }
            Self.multiply(&words, by: scale, adding: UInt64(part)!)
        }
        self.init(isNegative: isNegative, words: words)
    }

    /// Divides `words` in place by `divisor`, dropping leading zeros; returns the remainder.
    private static func divide(_ words: inout [UInt64], by divisor: UInt64) -> UInt64 {
        var remainder: UInt64 = 0
        for index in words.indices.reversed() {
            (words[index], remainder) = divisor.dividingFullWidth((remainder, words[index]))
        }
        while words.last == 0 { words.removeLast() }
        return remainder
    }

    /// `words = words * factor + addend`.
    private static func multiply(_ words: inout [UInt64], by factor: UInt64, adding addend: UInt64) {
        var carry = addend
        for index in words.indices {
            let (high, low) = words[index].multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            words[index] = sum
            carry = high + (overflow ? 1 : 0)
        }
        if carry != 0 { words.append(carry) }
    }
}
