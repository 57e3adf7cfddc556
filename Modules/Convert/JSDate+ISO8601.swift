extension JSDate {
    /// The date written in ISO 8601, as JavaScript's `toISOString()` writes it and as RFC 3339
    /// allows: `2024-01-01T00:00:00.000Z`, `2024-01-01T02:00:00+02:00`, `2024-01-01T00:00Z`,
    /// `+275760-09-13T00:00:00.000Z`, or a date alone (`2024-01-01`, midnight UTC, as
    /// JavaScript reads it).
    ///
    /// ```swift
    /// JSDate(iso8601: "1970-01-01T00:00:01.5Z")?.millisecondsSince1970   // 1500
    /// JSDate(iso8601: "2024-02-30T00:00:00Z")                            // nil: no such day
    /// ```
    ///
    /// A time needs its offset (`Z` or `±HH:mm`): without one, JavaScript reads it in the local
    /// time zone of wherever it runs, which is no fixed date. Digits of a second beyond the
    /// millisecond are dropped. `nil` for any other text, a day or time that does not exist, or
    /// a date outside JavaScript's range (±8.64e15 ms from 1970).
    public init?(iso8601 text: String) {
        var scanner = ISO8601Scanner(text.utf8)
        guard let milliseconds = scanner.scan(), milliseconds.magnitude <= 8_640_000_000_000_000 else {
            return nil
        }
        self.init(millisecondsSince1970: Double(milliseconds))
    }
}

/// Reads the fields of an ISO 8601 date, left to right.
private struct ISO8601Scanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ utf8: String.UTF8View) { bytes = Array(utf8) }

    /// The milliseconds since 1970 that the text stands for; `nil` when it is not a date.
    mutating func scan() -> Int64? {
        guard let year = scanYear(), take("-"), let month = scanDigits(2), take("-"), let day = scanDigits(2),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let days = Self.days(year: year, month: month, day: day)
        if position == bytes.count { return days * 86_400_000 }
        guard take("T") || take("t"), let hour = scanDigits(2), take(":"), let minute = scanDigits(2),
            hour < 24, minute < 60
        else { return nil }
        var second: Int64 = 0
        var millisecond: Int64 = 0
        if take(":") {
            guard let value = scanDigits(2), value < 60 else { return nil }
            second = value
            if take(".") {
                let start = position
                while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
                guard position > start else { return nil }
                for index in start..<start + 3 {
                    millisecond = millisecond * 10 + (index < position ? Int64(bytes[index] - UInt8(ascii: "0")) : 0)
                }
            }
        }
        guard let offset = scanOffset(), position == bytes.count else { return nil }
        return ((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + millisecond
    }

    /// Four digits, or a sign and six digits (`-000000` is not a year, as in JavaScript).
    private mutating func scanYear() -> Int64? {
        if take("+") { return scanDigits(6) }
        if take("-") {
            guard let year = scanDigits(6), year != 0 else { return nil }
            return -year
        }
        return scanDigits(4)
    }

    /// The offset from UTC in minutes: `Z`, or `±HH:mm`.
    private mutating func scanOffset() -> Int64? {
        if take("Z") || take("z") { return 0 }
        let sign: Int64
        if take("+") {
            sign = 1
        } else if take("-") {
            sign = -1
        } else {
            return nil
        }
        guard let hours = scanDigits(2), take(":"), let minutes = scanDigits(2), hours < 24, minutes < 60 else {
            return nil
        }
        return sign * (hours * 60 + minutes)
    }

    private mutating func scanDigits(_ count: Int) -> Int64? {
        guard position + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[position..<position + count] {
            guard Self.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        position += count
        return value
    }

    private mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a day of the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`, the inverse of the one `JSDate.description` uses).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
