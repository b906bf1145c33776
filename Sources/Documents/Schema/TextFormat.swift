import Foundation

/// A constraint on a text field, checked after the field is read as text.
public enum TextFormat: String, Sendable, CaseIterable {
    /// `metadata.name` and references to names: `[a-z0-9][a-z0-9._-]*`.
    case name
    /// A full git commit id: 40 hex characters.
    case commitSHA
    /// A container image pinned by digest: `registry/name@sha256:<64 hex>`.
    case imageDigest
    /// A SHA-256 checksum: 64 hex characters.
    case sha256
    /// An MD5 checksum: 32 hex characters (what DVC records; never trusted alone for files in git).
    case md5
    /// A bundle digest: `sha256:<64 hex>`.
    case bundleDigest
    /// An RFC 3339 date (`2026-12-31`) or date-time (`2026-12-31T12:00:00Z`).
    case rfc3339
    /// A repository-relative path (no leading `/`, no `..` segment).
    case relativePath
    /// Text with at least one character that is not white space: a justification or a
    /// reason that an empty string would only pretend to give.
    case nonBlank = "non-blank"
    /// A semantic version, exactly the SemVer 2.0.0 grammar (https://semver.org):
    /// `MAJOR.MINOR.PATCH`, numbers without leading zeros, an optional `-prerelease`
    /// (dot-separated identifiers of `[0-9A-Za-z-]`, a numeric one without leading zeros)
    /// and an optional `+build` (dot-separated identifiers of `[0-9A-Za-z-]`).
    case semver

    /// Whether `text` satisfies the format. Checked byte by byte: every text field of every
    /// document passes through here, so no regular expressions on this path.
    public func accepts(_ text: String) -> Bool {
        let bytes = text.utf8
        switch self {
        case .name:
            guard let first = bytes.first, Self.isLowerAlphanumeric(first), bytes.count <= 253 else { return false }
            return bytes.allSatisfy { Self.isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        case .commitSHA:
            return bytes.count == 40 && bytes.allSatisfy(Self.isHex)
        case .imageDigest:
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at != bytes.startIndex else { return false }
            let name = bytes[..<at]
            let digest = bytes[bytes.index(after: at)...]
            return !name.contains(where: Self.isSpace) && digest.starts(with: "sha256:".utf8)
                && digest.count == 71 && digest.dropFirst(7).allSatisfy(Self.isLowerHex)
        case .sha256:
            return bytes.count == 64 && bytes.allSatisfy(Self.isHex)
        case .md5:
            return bytes.count == 32 && bytes.allSatisfy(Self.isHex)
        case .bundleDigest:
            return bytes.count == 71 && bytes.starts(with: "sha256:".utf8) && bytes.dropFirst(7).allSatisfy(Self.isLowerHex)
        case .rfc3339:
            return RFC3339.parse(text) != nil
        case .relativePath:
            return !text.isEmpty && !text.hasPrefix("/")
                && !text.split(separator: "/").contains("..")
        case .nonBlank:
            return text.unicodeScalars.contains { !$0.properties.isWhitespace }
        case .semver:
            return Self.isSemanticVersion(bytes)
        }
    }

    /// SemVer 2.0.0's BNF, byte by byte.
    static func isSemanticVersion(_ bytes: String.UTF8View) -> Bool {
        let all = Array(bytes)
        let plus = all.firstIndex(of: UInt8(ascii: "+"))
        let main = all[..<(plus ?? all.endIndex)]
        if let plus {
            // Build identifiers: non-empty, any of [0-9A-Za-z-], leading zeros allowed.
            let build = all[(plus + 1)...]
            let identifiers = build.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard identifiers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isIdentifierByte) }) else { return false }
        }
        let dash = main.firstIndex(of: UInt8(ascii: "-"))
        let core = main[..<(dash ?? main.endIndex)]
        let numbers = core.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard numbers.count == 3, numbers.allSatisfy(isNumericIdentifier) else { return false }
        if let dash {
            let identifiers = main[(dash + 1)...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            for identifier in identifiers {
                guard !identifier.isEmpty, identifier.allSatisfy(isIdentifierByte) else { return false }
                // All digits: a numeric identifier, no leading zero; else alphanumeric.
                if identifier.allSatisfy(isDigit), !isNumericIdentifier(identifier) { return false }
            }
        }
        return true
    }

    private static func isNumericIdentifier(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, bytes.allSatisfy(isDigit) else { return false }
        return first != UInt8(ascii: "0") || bytes.count == 1
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "-")
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isHex(_ byte: UInt8) -> Bool {
        isLowerHex(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// What `\s` matches in ICU regular expressions, for ASCII.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// The message for a value that does not satisfy the format.
    public func violation(_ text: String) -> String {
        switch self {
        case .name:
            return "'\(text)' is not a valid name: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit"
        case .commitSHA:
            return "'\(text)' must be a 40-character hex commit id"
        case .imageDigest:
            return "image '\(text)' must be pinned by digest (name@sha256:<64 hex>), not by a tag"
        case .sha256:
            return "'\(text)' must be a SHA-256 checksum of 64 hex characters"
        case .md5:
            return "'\(text)' must be an MD5 checksum of 32 hex characters"
        case .bundleDigest:
            return "'\(text)' must be a bundle digest 'sha256:<64 hex>' as printed by `policy digest`"
        case .rfc3339:
            return "'\(text)' must be an RFC 3339 date or time, e.g. 2026-11-20 or 2026-11-20T14:03:00Z"
        case .relativePath:
            return "'\(text)' must be a repository-relative path without '..'"
        case .nonBlank:
            return "must not be empty: say why, in words (found \(text.isEmpty ? "an empty string" : "only white space"))"
        case .semver:
            return "'\(text)' is not a semantic version: SemVer 2.0.0 is MAJOR.MINOR.PATCH (numbers without leading zeros), optionally -prerelease and +build, e.g. 2.1.0 or 2.1.0-rc.1"
        }
    }
}

/// RFC 3339 dates and date-times, parsed and printed without Foundation formatters (which
/// cost an ICU formatter per call on the hot path of every document).
public enum RFC3339 {
    /// Parses `YYYY-MM-DD` (midnight UTC) or a full RFC 3339 date-time
    /// (`YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`, or a space for the `T`): exactly what the
    /// exported JSON Schema pattern accepts. A day past the month's end rolls over
    /// (2026-02-31 is 2026-03-03), as Foundation's lenient calendar did.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<(start + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2),
              b[7] == UInt8(ascii: "-"), let day = digits(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        let midnight = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if b.count == 10 { return Date(timeIntervalSince1970: midnight) }
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
              b[16] == UInt8(ascii: ":"), let second = digits(17, 2),
              hour < 24, minute < 60, second < 60 else { return nil }
        var position = 19
        var fraction = 0.0
        if b[position] == UInt8(ascii: ".") {
            let start = position + 1
            position = start
            while position < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[position]) { position += 1 }
            guard position > start, let value = Double("0." + String(decoding: b[start..<position], as: UTF8.self)) else { return nil }
            fraction = value
        }
        var offset = 0
        guard position < b.count else { return nil }
        switch b[position] {
        case UInt8(ascii: "Z"):
            guard position + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard position + 6 == b.count, let hours = digits(position + 1, 2), b[position + 3] == UInt8(ascii: ":"),
                  let minutes = digits(position + 4, 2), hours < 24, minutes < 60 else { return nil }
            offset = (hours * 60 + minutes) * 60 * (b[position] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        return Date(timeIntervalSince1970: midnight + Double(hour * 3600 + minute * 60 + second - offset) + fraction)
    }

    /// `2026-11-20T14:03:00Z`: the date-time in UTC, whole seconds.
    public static func format(_ date: Date) -> String {
        let (day, seconds) = civil(date)
        return day + "T" + pad(seconds / 3600) + ":" + pad(seconds / 60 % 60) + ":" + pad(seconds % 60) + "Z"
    }

    /// `2026-11-20`: the date in UTC.
    public static func day(_ date: Date) -> String {
        civil(date).day
    }

    private static func civil(_ date: Date) -> (day: String, seconds: Int) {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let seconds = total - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = String(year)
        return (String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + pad(month) + "-" + pad(day), seconds)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }
}
