/// A signed span of time with nanosecond precision (`google.protobuf.Duration`), within
/// ±2⁶³ nanoseconds (about ±292 years), the range cel-go and the conformance tests use
/// (so the difference of two timestamps 10,000 years apart is a range error).
public struct CELDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds, truncated toward zero.
    public let seconds: Int64
    /// The rest, with the sign of `seconds` (or its own sign when `seconds` is 0), |n| < 10⁹.
    public let nanoseconds: Int32

    static let typeName = "google.protobuf.Duration"
    /// The largest whole number of seconds in range.
    static let maxSeconds: Int64 = Int64.max / 1_000_000_000

    /// A duration of `seconds` plus `nanoseconds` (any sign, any size), nil when the total
    /// is out of range.
    public init?(seconds: Int64, nanoseconds: Int64 = 0) {
        let (carried, overflow) = seconds.addingReportingOverflow(nanoseconds / 1_000_000_000)
        guard !overflow else { return nil }
        var whole = carried
        var rest = nanoseconds % 1_000_000_000
        if whole > 0 && rest < 0 {
            whole -= 1
            rest += 1_000_000_000
        } else if whole < 0 && rest > 0 {
            whole += 1
            rest -= 1_000_000_000
        }
        let (scaled, overflow1) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        let (_, overflow2) = scaled.addingReportingOverflow(rest)
        guard !overflow1, !overflow2 else { return nil }
        self.seconds = whole
        self.nanoseconds = Int32(rest)
    }

    /// A duration written as Go and CEL write them: an optional sign, then one or more
    /// decimal numbers each with a unit `h`, `m`, `s`, `ms`, `us` (or `µs`), `ns`:
    /// "1h30m", "1.5s", "-2m", "0". Nil for anything else or out of range (±292 years).
    public init?(parsing text: String) {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if String(scalars) == "0" {
            self.init(seconds: 0)
            return
        }
        guard !scalars.isEmpty else { return nil }
        var seconds: Int64 = 0
        var nanoseconds: Int64 = 0
        while !scalars.isEmpty {
            var whole: Int64 = 0
            var sawDigits = false
            while let digit = scalars.first, ("0"..."9").contains(digit) {
                let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(Int64(digit.value - 48))
                guard !o1, !o2 else { return nil }
                whole = next
                sawDigits = true
                scalars = scalars.dropFirst()
            }
            var fraction = 0.0
            if scalars.first == "." {
                scalars = scalars.dropFirst()
                var scale = 0.1
                while let digit = scalars.first, ("0"..."9").contains(digit) {
                    fraction += Double(digit.value - 48) * scale
                    scale /= 10
                    sawDigits = true
                    scalars = scalars.dropFirst()
                }
            }
            guard sawDigits else { return nil }
            var unit = ""
            while let letter = scalars.first, !("0"..."9").contains(letter), letter != "." {
                unit.unicodeScalars.append(letter)
                scalars = scalars.dropFirst()
            }
            let nanosPerUnit: Int64
            switch unit {
            case "ns": nanosPerUnit = 1
            case "us", "µs", "μs": nanosPerUnit = 1_000
            case "ms": nanosPerUnit = 1_000_000
            case "s": nanosPerUnit = 1_000_000_000
            case "m": nanosPerUnit = 60_000_000_000
            case "h": nanosPerUnit = 3_600_000_000_000
            default: return nil
            }
            if nanosPerUnit >= 1_000_000_000 {
                let (product, overflow) = whole.multipliedReportingOverflow(by: nanosPerUnit / 1_000_000_000)
                guard !overflow else { return nil }
                let (sum, overflow2) = seconds.addingReportingOverflow(product)
                guard !overflow2 else { return nil }
                seconds = sum
            } else {
                let perSecond = 1_000_000_000 / nanosPerUnit
                seconds += whole / perSecond
                nanoseconds += (whole % perSecond) * nanosPerUnit
            }
            let fractionNanos = fraction * Double(nanosPerUnit)
            seconds += Int64(fractionNanos / 1e9)
            nanoseconds += Int64(fractionNanos.truncatingRemainder(dividingBy: 1e9).rounded(.towardZero))
            seconds += nanoseconds / 1_000_000_000
            nanoseconds %= 1_000_000_000
            guard seconds <= Self.maxSeconds else { return nil }
        }
        self.init(seconds: negative ? -seconds : seconds, nanoseconds: negative ? -nanoseconds : nanoseconds)
    }

    /// Seconds with the nanoseconds as a fraction: `1.5s`, `-0.000000001s`, `5400s`, as
    /// `string(duration)` writes it.
    public var description: String {
        let negative = seconds < 0 || nanoseconds < 0
        var text = negative ? "-" : ""
        text += String(seconds.magnitude)
        if nanoseconds != 0 {
            var digits = String(nanoseconds.magnitude)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "s"
    }

    /// The duration in seconds, as a double (sub-nanosecond rounding aside).
    public var timeInterval: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    public static func < (lhs: CELDuration, rhs: CELDuration) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    static func + (lhs: CELDuration, rhs: CELDuration) -> CELDuration? {
        let (sum, overflow) = lhs.seconds.addingReportingOverflow(rhs.seconds)
        guard !overflow else { return nil }
        return CELDuration(seconds: sum, nanoseconds: Int64(lhs.nanoseconds) + Int64(rhs.nanoseconds))
    }

    static prefix func - (value: CELDuration) -> CELDuration? {
        CELDuration(seconds: -value.seconds, nanoseconds: -Int64(value.nanoseconds))
    }
}
