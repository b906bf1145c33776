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
    }

    public func matches(_ path: String) -> Bool {
        // `**/x`, the usual include pattern: `**` takes every segment but the last.
        if segments.count == 2, segments[0] == "**", segments[1] != "**" {
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
