/// Globs on repository-relative paths: `*` matches within one segment, `**` any number of
/// segments, `?` one character; a pattern ending in `/` matches everything below it.
public struct PathGlob: Sendable, Hashable {
    public let pattern: String
    private let segments: [Substring]

    public init(_ pattern: String) {
        var p = pattern
        while p.hasPrefix("./") { p.removeFirst(2) }
        if p.hasSuffix("/") { p += "**" }
        self.pattern = pattern
        segments = p.split(separator: "/", omittingEmptySubsequences: true)
        if segments.count == 2, segments[0] == "**", let last = segments.last, last.hasPrefix("*") {
            let literal = Array(last.utf8.dropFirst())
            let plain = literal.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "?") }
            lastSegmentSuffix = plain ? literal : nil
        } else {
            lastSegmentSuffix = nil
        }
    }

    /// For `**/*lit` with an ASCII literal without wildcards: the literal's bytes.
    private let lastSegmentSuffix: [UInt8]?

    /// Whether the last segment of `path` ends with `suffix`; nil (ask `Glob`) unless that
    /// segment is ASCII without a carriage return — where a byte is a character, as
    /// `Glob.matchesASCII` holds — and the path does not end with a slash.
    static func lastSegment(of path: String, endsWith suffix: [UInt8]) -> Bool? {
        path.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            guard let lastByte = bytes.last, lastByte != UInt8(ascii: "/") else { return nil }
            var start = bytes.count
            while start > 0, bytes[start - 1] != UInt8(ascii: "/") {
                let byte = bytes[start - 1]
                guard byte < 0x80, byte != UInt8(ascii: "\r") else { return nil }
                start -= 1
            }
            let length = bytes.count - start
            guard length >= suffix.count else { return false }
            for (offset, byte) in suffix.enumerated() where bytes[bytes.count - suffix.count + offset] != byte {
                return false
            }
            return true
        } ?? nil
    }

    public func matches(_ path: String) -> Bool {
        // `**/x`, the usual include pattern: `**` takes every segment but the last.
        if segments.count == 2, segments[0] == "**", segments[1] != "**" {
            // `**/*.yaml` on an ASCII path (the usual case, every file of the index asks it):
            // the last segment ends with the literal, compared in place.
            if let suffix = lastSegmentSuffix, let matched = PathGlob.lastSegment(of: path, endsWith: suffix) {
                return matched
            }
            let last = path.split(separator: "/", omittingEmptySubsequences: true).last ?? ""
            return !last.isEmpty && Glob.matches(segments[1], last)
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return match(segments[...], parts[...])
    }

    private func match(_ pattern: ArraySlice<Substring>, _ parts: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return parts.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var tail = parts
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let part = parts.first, Glob.matches(first, part) else { return false }
        return match(pattern.dropFirst(), parts.dropFirst())
    }
}
