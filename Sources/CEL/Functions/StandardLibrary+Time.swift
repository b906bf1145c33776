import Foundation

/// The timestamp getters (`getFullYear`, `getMonth`, `getDate`, `getDayOfMonth`,
/// `getDayOfWeek`, `getDayOfYear`, `getHours`, `getMinutes`, `getSeconds`,
/// `getMilliseconds`), in UTC or in a time zone given as "UTC", a fixed offset ("+05:30",
/// "-02:00", "02:00") or an IANA name ("Europe/Paris"); and the duration getters (`getHours`,
/// `getMinutes`, `getSeconds`: whole units in the duration; `getMilliseconds`: 0-999).
extension StandardLibrary {
    static func registerTime(into functions: inout CELFunctions) {
        let getters: [(String, @Sendable (CivilDate, Int32) -> Int)] = [
            ("getFullYear", { date, _ in date.year }),
            ("getMonth", { date, _ in date.month - 1 }),
            ("getDate", { date, _ in date.day }),
            ("getDayOfMonth", { date, _ in date.day - 1 }),
            ("getDayOfWeek", { date, _ in date.dayOfWeek }),
            ("getDayOfYear", { date, _ in date.dayOfYear }),
            ("getHours", { date, _ in date.hour }),
            ("getMinutes", { date, _ in date.minute }),
            ("getSeconds", { date, _ in date.second }),
            ("getMilliseconds", { _, nanos in Int(nanos / 1_000_000) }),
        ]
        for (name, field) in getters {
            let getter: CELFunctions.Builtin = { _, arguments throws(EvaluationError) in
                switch (arguments[0], arguments.count) {
                case (.timestamp(let t), 1):
                    return .int(Int64(field(CivilDate(secondsSinceEpoch: t.seconds), t.nanoseconds)))
                case (.timestamp(let t), 2):
                    guard case .string(let zone) = arguments[1] else {
                        throw EvaluationError.noMatchingOverload(name, arguments)
                    }
                    let offset = try utcOffset(zone, at: t)
                    return .int(Int64(field(CivilDate(secondsSinceEpoch: t.seconds + Int64(offset)), t.nanoseconds)))
                case (.duration(let d), 1):
                    switch name {
                    case "getHours": return .int(d.seconds / 3600)
                    case "getMinutes": return .int(d.seconds / 60)
                    case "getSeconds": return .int(d.seconds)
                    case "getMilliseconds": return .int(Int64(d.nanoseconds / 1_000_000))
                    default: throw EvaluationError.noMatchingOverload(name, arguments)
                    }
                default:
                    throw EvaluationError.noMatchingOverload(name, arguments)
                }
            }
            functions.builtin(name, arity: 0, receiver: true, getter)
            functions.builtin(name, arity: 1, receiver: true, getter)
        }
    }

    /// Seconds east of UTC of `zone` at `timestamp`.
    static func utcOffset(_ zone: String, at timestamp: CELTimestamp) throws(EvaluationError) -> Int {
        if zone == "UTC" || zone == "Z" { return 0 }
        let bytes = Array(zone.utf8)
        var digits = bytes[...]
        var sign = 1
        if let first = digits.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            digits = digits.dropFirst()
        }
        if digits.count == 5, digits[digits.startIndex + 2] == UInt8(ascii: ":"),
           let hours = Int(String(decoding: digits.prefix(2), as: UTF8.self)),
           let minutes = Int(String(decoding: digits.suffix(2), as: UTF8.self)),
           hours < 24, minutes < 60 {
            return sign * (hours * 3600 + minutes * 60)
        }
        guard let timeZone = TimeZone(identifier: zone) else {
            throw EvaluationError(.invalidArgument, "unknown time zone \(CELFormatting.abbreviated(.string(zone))) (use \"UTC\", an offset like \"+05:30\", or a name like \"Europe/Paris\")")
        }
        return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(timestamp.seconds)))
    }
}
