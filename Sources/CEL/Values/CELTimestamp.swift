/// A point in time with nanosecond precision (`google.protobuf.Timestamp`), from
/// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
public struct CELTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// Nanoseconds past `seconds`, 0 ..< 10⁹.
    public let nanoseconds: Int32

    static let typeName = "google.protobuf.Timestamp"
    static let minSeconds: Int64 = -62_135_596_800
    static let maxSeconds: Int64 = 253_402_300_799

    /// The timestamp `seconds` (plus `nanoseconds`, any sign or size) after the Unix epoch,
    /// nil outside years 1 to 9999.
    public init?(seconds: Int64, nanoseconds: Int64 = 0) {
        var (whole, overflow) = seconds.addingReportingOverflow(nanoseconds / 1_000_000_000)
        guard !overflow else { return nil }
        var rest = nanoseconds % 1_000_000_000
        if rest < 0 {
            (whole, overflow) = whole.subtractingReportingOverflow(1)
            guard !overflow else { return nil }
            rest += 1_000_000_000
        }
        guard whole >= Self.minSeconds, whole <= Self.maxSeconds else { return nil }
        self.seconds = whole
        self.nanoseconds = Int32(rest)
    }

    /// A timestamp in RFC 3339 form, `2009-02-13T23:31:30Z`, `1972-01-01T10:00:20.021-05:00`
    /// (fraction of up to nine digits, `Z` or a numeric offset). Nil for anything else or
    /// out of range.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<width {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func literal(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), literal("-"), let month = number(2), literal("-"), let day = number(2),
              literal("Tt"), let hour = number(2), literal(":"), let minute = number(2), literal(":"),
              let second = number(2)
        else { return nil }
        var nanos: Int64 = 0
        if literal(".") {
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                guard digits < 9 else { return nil }
                nanos = nanos * 10 + Int64(bytes[index] - 48)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset = 0
        if literal("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), literal(":"), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count, year >= 1, (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { return nil }
        let days = CivilDate.daysFromCivil(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(seconds: local - Int64(offset), nanoseconds: nanos)
    }

    /// RFC 3339 in UTC, the fraction without trailing zeros: `2009-02-13T23:31:30Z`,
    /// `9999-12-31T23:59:59.999999999Z`, as `string(timestamp)` writes it.
    public var description: String {
        let date = CivilDate(secondsSinceEpoch: seconds)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T"
        text += "\(pad(date.hour, 2)):\(pad(date.minute, 2)):\(pad(date.second, 2))"
        if nanoseconds != 0 {
            var fraction = pad(Int(nanoseconds), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    public static func < (lhs: CELTimestamp, rhs: CELTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    static func + (lhs: CELTimestamp, rhs: CELDuration) -> CELTimestamp? {
        let (sum, overflow) = lhs.seconds.addingReportingOverflow(rhs.seconds)
        guard !overflow else { return nil }
        return CELTimestamp(seconds: sum, nanoseconds: Int64(lhs.nanoseconds) + Int64(rhs.nanoseconds))
    }

    static func - (lhs: CELTimestamp, rhs: CELTimestamp) -> CELDuration? {
        CELDuration(seconds: lhs.seconds - rhs.seconds, nanoseconds: Int64(lhs.nanoseconds) - Int64(rhs.nanoseconds))
    }
}
