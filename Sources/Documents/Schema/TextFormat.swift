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
    /// A bundle digest: `sha256:<64 hex>`.
    case bundleDigest
    /// An RFC 3339 date (`2026-12-31`) or date-time (`2026-12-31T12:00:00Z`).
    case rfc3339
    /// A repository-relative path (no leading `/`, no `..` segment).
    case relativePath

    /// Whether `text` satisfies the format.
    public func accepts(_ text: String) -> Bool {
        switch self {
        case .name:
            return TextFormat.matches(text, #"^[a-z0-9][a-z0-9._-]*$"#) && text.count <= 253
        case .commitSHA:
            return TextFormat.matches(text, #"^[0-9a-fA-F]{40}$"#)
        case .imageDigest:
            return TextFormat.matches(text, #"^[^@\s]+@sha256:[0-9a-f]{64}$"#)
        case .sha256:
            return TextFormat.matches(text, #"^[0-9a-fA-F]{64}$"#)
        case .bundleDigest:
            return TextFormat.matches(text, #"^sha256:[0-9a-f]{64}$"#)
        case .rfc3339:
            return RFC3339.parse(text) != nil
        case .relativePath:
            return !text.isEmpty && !text.hasPrefix("/")
                && !text.split(separator: "/").contains("..")
        }
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
        case .bundleDigest:
            return "'\(text)' must be a bundle digest 'sha256:<64 hex>' as printed by `policy digest`"
        case .rfc3339:
            return "'\(text)' must be an RFC 3339 date or time, e.g. 2026-11-20 or 2026-11-20T14:03:00Z"
        case .relativePath:
            return "'\(text)' must be a repository-relative path without '..'"
        }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }
}

/// RFC 3339 dates and date-times.
public enum RFC3339 {
    /// Parses `YYYY-MM-DD` (midnight UTC) or a full RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        let dateOnly = #"^\d{4}-\d{2}-\d{2}$"#
        if text.range(of: dateOnly, options: .regularExpression) != nil {
            var components = DateComponents()
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
            components.year = parts[0]; components.month = parts[1]; components.day = parts[2]
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar.date(from: components)
        }
        let pattern = #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#
        guard text.range(of: pattern, options: .regularExpression) != nil else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        if let date = formatter.date(from: normalized) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: normalized)
    }
}
