#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A JavaScript `Date`: a time value in milliseconds since 1970-01-01T00:00:00Z, UTC.
///
/// JavaScript dates have millisecond precision and may be invalid (`new Date("nope")`), so
/// `JSDate` keeps JavaScript's own representation, and converts to and from `Date`:
///
/// ```swift
/// let now = JSDate(Date())                  // truncated to the millisecond, as JavaScript does
/// now.date                                  // a Foundation Date
/// JSDate.invalid.date                       // nil
/// JSDate(millisecondsSince1970: 0)          // 1970-01-01T00:00:00.000Z
/// ```
///
/// Two invalid dates are equal, as their `getTime()` values are both `NaN`.
public struct JSDate: Sendable, Hashable, Comparable {
    /// Milliseconds since 1970-01-01T00:00:00Z, an integer; `NaN` for an invalid date.
    public let millisecondsSince1970: Double

    /// The date `milliseconds` after 1970-01-01T00:00:00Z, with JavaScript's `TimeClip`: a
    /// fraction is truncated toward zero, and a value beyond ±8.64e15 ms (±100,000,000 days)
    /// or `NaN` is an invalid date.
    public init(millisecondsSince1970 milliseconds: Double) {
        guard milliseconds.isFinite, milliseconds.magnitude <= 8.64e15 else {
            self.millisecondsSince1970 = .nan
            return
        }
        // `+ 0` turns -0 into 0, as TimeClip does.
        self.millisecondsSince1970 = milliseconds.rounded(.towardZero) + 0
    }

    /// `date`, truncated to the millisecond.
    public init(_ date: Date) {
        self.init(millisecondsSince1970: date.timeIntervalSince1970 * 1000)
    }

    /// An invalid date, JavaScript's `new Date(NaN)`.
    public static let invalid = JSDate(millisecondsSince1970: .nan)

    /// Whether this is a real point in time (`getTime()` is not `NaN`).
    public var isValid: Bool { !millisecondsSince1970.isNaN }

    /// The date as a Foundation `Date`; `nil` for an invalid date.
    public var date: Date? {
        isValid ? Date(timeIntervalSince1970: millisecondsSince1970 / 1000) : nil
    }

    public static func == (lhs: JSDate, rhs: JSDate) -> Bool {
        lhs.millisecondsSince1970 == rhs.millisecondsSince1970 || (!lhs.isValid && !rhs.isValid)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isValid ? millisecondsSince1970 : .nan)
    }

    /// Earlier dates first; invalid dates after every valid one.
    public static func < (lhs: JSDate, rhs: JSDate) -> Bool {
        guard lhs.isValid else { return false }
        guard rhs.isValid else { return true }
        return lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }
}

extension JSDate: CustomStringConvertible {
    /// The date as `toISOString()` writes it, `2024-01-01T00:00:00.000Z`, with six-digit signed
    /// years outside 0...9999; `Invalid Date` for an invalid one.
    public var description: String {
        guard isValid else { return "Invalid Date" }
        let milliseconds = Int64(millisecondsSince1970)
        let (days, dayMilliseconds) = Self.floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = Self.civil(fromDays: days)
        let yearText: String
        if (0...9999).contains(year) {
            yearText = Self.padded(year, 4)
        } else {
            yearText = (year < 0 ? "-" : "+") + Self.padded(abs(year), 6)
        }
        let time = Int(dayMilliseconds)
        return "\(yearText)-\(Self.padded(month, 2))-\(Self.padded(day, 2))T"
            + "\(Self.padded(time / 3_600_000, 2)):\(Self.padded(time / 60_000 % 60, 2)):"
            + "\(Self.padded(time / 1000 % 60, 2)).\(Self.padded(time % 1000, 3))Z"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// Year, month and day of the proleptic Gregorian calendar for a count of days since
    /// 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
