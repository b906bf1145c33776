import Documents
import Policy

/// Orderings and link helpers shared by the CI-facing reporters (SARIF, JUnit, GitHub,
/// Markdown), so that every format lists the same findings in the same order.
enum ReporterSupport {
    /// A subject's findings worst first, then by location — the order of the text report.
    static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ($1.severity, $0.location, $0.ruleID, $0.message) < ($0.severity, $1.location, $1.ruleID, $1.message) }
    }

    /// Every finding of the report: subjects in report order, each subject's findings ordered.
    static func orderedFindings(_ report: Report) -> [Finding] {
        report.subjects.flatMap { ordered($0.findings) }
    }

    /// Whether a string is an absolute URI (`https://…`, `file:///…`, `mailto:…`): it starts
    /// with an RFC 3986 scheme followed by a colon.
    static func isAbsoluteURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCIILetter else { return false }
        return scheme.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }
    }

    /// A repository-relative path as a relative URI reference: each byte outside RFC 3986's
    /// path characters is percent-encoded, and so are `:` (a first segment with a colon
    /// would read as a scheme), `?` and `#`. A leading `./` is dropped.
    static func uriPath(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        var encoded = ""
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.isASCIILetter || ("0"..."9").contains(scalar) || "-._~/!$&'()*+,;=@".unicodeScalars.contains(scalar) {
                encoded.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += (hex.count == 1 ? "%0" : "%") + hex
            }
        }
        return encoded
    }

    /// An absolute URI given by a caller with any byte that a URI cannot hold (a space, a
    /// non-ASCII letter) percent-encoded; existing escapes and delimiters stay.
    static func encodeURI(_ uri: String) -> String {
        var encoded = ""
        for byte in uri.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.isASCIILetter || ("0"..."9").contains(scalar) || "-._~:/?#[]@!$&'()*+,;=%".unicodeScalars.contains(scalar) {
                encoded.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += (hex.count == 1 ? "%0" : "%") + hex
            }
        }
        return encoded
    }

    /// `path` resolved against `base` (an absolute URI, normally ending in `/`); `path` as a
    /// relative reference when there is no base; `path` itself (encoded) when it is already
    /// absolute.
    static func link(_ path: String, base: String?) -> String {
        if isAbsoluteURI(path) { return encodeURI(path) }
        let relative = uriPath(path)
        guard let base else { return relative }
        let trimmed = relative.drop { $0 == "/" }
        return base.hasSuffix("/") ? base + trimmed : base + "/" + trimmed
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
