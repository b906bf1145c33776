import Foundation

/// A commit object parsed from its raw bytes, as needed to verify its signature.
///
/// libgit2 1.5's `git_commit_extract_signature` also matches a `gpgsig` line inside the commit
/// *message*, so a message could make an unsigned commit look signed. This parser reads headers
/// only up to the first empty line and rebuilds the signed payload exactly as git's
/// `parse_buffer_signed_by_header` does (git 2.39, `commit.c`):
///
/// - the signature is every header line starting with `gpgsig ` (`gpgsig-sha256 ` in a SHA-256
///   repository) plus its continuation lines (leading space removed);
/// - the payload is the raw object with those lines removed, and also without any *other*
///   `gpgsig…` header (such as `gpgsig-sha256` in a SHA-1 repository) and its continuation lines;
/// - everything from the first empty line on (the message) is kept untouched.
public struct RawCommit: Sendable, Hashable {
    /// One header line of a commit object; continuation lines are joined to `value` with `"\n"`.
    public struct Header: Sendable, Hashable {
        /// The header name, e.g. `tree`, `parent`, `author`, `gpgsig`, `mergetag`.
        public var name: String
        /// Everything after the first space; continuation lines follow, each after a `"\n"`,
        /// without their leading space.
        public var value: String

        /// Creates a header.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The repository's object format, which decides the name of the signature header.
    public enum ObjectFormat: Sendable, Hashable {
        /// SHA-1 object names (40 hex digits); the signature header is `gpgsig`.
        case sha1
        /// SHA-256 object names (64 hex digits); the signature header is `gpgsig-sha256`.
        case sha256

        /// The header holding this format's signature.
        public var signatureHeader: String {
            switch self {
            case .sha1: return "gpgsig"
            case .sha256: return "gpgsig-sha256"
            }
        }

        var hexLength: Int {
            switch self {
            case .sha1: return 40
            case .sha256: return 64
            }
        }
    }

    /// The root tree's id, in hexadecimal.
    public var tree: String
    /// The parents' ids, in order, in hexadecimal.
    public var parents: [String]
    /// The `author` header as written: `Name <email> 1732000000 +0100`.
    public var authorLine: String
    /// The `committer` header as written.
    public var committerLine: String
    /// The author, parsed as libgit2 parses it.
    public var author: Signature
    /// The committer, parsed as libgit2 parses it.
    public var committer: Signature
    /// Every header before the first empty line, in order.
    public var headers: [Header]
    /// The armored signature from the signature header (`gpgsig`, or `gpgsig-sha256` in a SHA-256
    /// repository), or `nil` when the commit is unsigned. Several signature headers are joined
    /// with `"\n"`, as git concatenates them.
    public var signature: String?
    /// The bytes the signature covers: the raw object without its signature header lines
    /// (and without other `gpgsig…` headers), byte for byte what `git verify-commit` verifies.
    public var signedPayload: [UInt8]
    /// Everything after the first empty line, as written (not cleaned up).
    public var message: String

    /// Parses the raw bytes of a commit object (without git's `commit <size>\0` prefix), such as
    /// `Repository.rawCommit(_:)` returns.
    ///
    /// - Throws: `GitError` with code `.other(-1)` and a message starting with
    ///   `malformed commit object:` when the bytes are not a commit.
    public init(parsing bytes: [UInt8]) throws(GitError) {
        try self.init(parsing: bytes, format: .sha1)
    }

    /// Parses the raw bytes of a commit object of a repository with the given object format.
    public init(parsing bytes: [UInt8], format: ObjectFormat) throws(GitError) {
        let newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " ")

        var headers: [Header] = []
        var signatureParts: [String] = []
        var payload: [UInt8] = []
        payload.reserveCapacity(bytes.count)

        // Where the current header came from, for continuation lines.
        enum Current { case none, ordinary, signature, otherSignature }
        var current = Current.none
        var messageStart = bytes.endIndex
        var lineStart = bytes.startIndex

        while lineStart < bytes.endIndex {
            guard let lineEnd = bytes[lineStart...].firstIndex(of: newline) else {
                throw RawCommit.malformed("the header line \(RawCommit.quote(bytes[lineStart...])) has no line end")
            }
            let line = bytes[lineStart..<lineEnd]
            let next = lineEnd + 1
            if line.isEmpty {
                payload.append(contentsOf: bytes[lineStart...])
                messageStart = next
                break
            }
            if line.first == space {
                let text = RawCommit.text(line.dropFirst())
                switch current {
                case .none:
                    throw RawCommit.malformed("a continuation line comes before any header")
                case .ordinary:
                    headers[headers.count - 1].value += "\n" + text
                    payload.append(contentsOf: bytes[lineStart..<next])
                case .signature:
                    headers[headers.count - 1].value += "\n" + text
                    signatureParts[signatureParts.count - 1] += "\n" + text
                case .otherSignature:
                    headers[headers.count - 1].value += "\n" + text
                }
            } else {
                let split = line.firstIndex(of: space)
                let name = line[..<(split ?? line.endIndex)]
                let value = split.map { line[($0 + 1)...] } ?? []
                let header = Header(name: RawCommit.text(name), value: RawCommit.text(value))
                headers.append(header)
                // git: a line is the signature only when the header name is followed by a space;
                // any other line starting with "gpgsig" is another format's signature, dropped too.
                if split != nil, header.name == format.signatureHeader {
                    current = .signature
                    signatureParts.append(header.value)
                } else if line.starts(with: Array("gpgsig".utf8)) {
                    current = .otherSignature
                } else {
                    current = .ordinary
                    payload.append(contentsOf: bytes[lineStart..<next])
                }
            }
            lineStart = next
        }

        let fields = try RawCommit.requiredFields(of: headers, format: format)
        self.tree = fields.tree
        self.parents = fields.parents
        self.authorLine = fields.author
        self.committerLine = fields.committer
        self.author = try RawCommit.parseSignature(fields.author, role: "author")
        self.committer = try RawCommit.parseSignature(fields.committer, role: "committer")
        self.headers = headers
        self.signature = signatureParts.isEmpty ? nil : signatureParts.joined(separator: "\n")
        self.signedPayload = payload
        self.message = RawCommit.text(bytes[messageStart...])
    }

    /// Whether the commit carries a signature header (of its repository's format).
    public var isSigned: Bool { signature != nil }
}

extension RawCommit {
    /// Checks the header order libgit2 requires: `tree`, any `parent`s, `author` (extra author
    /// lines are ignored, as libgit2 does), `committer`.
    private static func requiredFields(
        of headers: [Header], format: ObjectFormat
    ) throws(GitError) -> (tree: String, parents: [String], author: String, committer: String) {
        var index = 0
        func isObjectID(_ value: String) -> Bool {
            value.utf8.count == format.hexLength && value.utf8.allSatisfy(ObjectID.isHexDigit)
        }
        guard index < headers.count, headers[index].name == "tree" else {
            throw malformed("it does not start with a tree header")
        }
        guard isObjectID(headers[index].value) else {
            throw malformed("the tree id \(quote(headers[index].value)) is not \(format.hexLength) hexadecimal digits")
        }
        let tree = headers[index].value.lowercased()
        index += 1
        var parents: [String] = []
        while index < headers.count, headers[index].name == "parent" {
            guard isObjectID(headers[index].value) else {
                throw malformed("the parent id \(quote(headers[index].value)) is not \(format.hexLength) hexadecimal digits")
            }
            parents.append(headers[index].value.lowercased())
            index += 1
        }
        guard index < headers.count, headers[index].name == "author" else {
            throw malformed("the author header is missing or out of place")
        }
        let author = headers[index].value
        index += 1
        while index < headers.count, headers[index].name == "author" {
            index += 1
        }
        guard index < headers.count, headers[index].name == "committer" else {
            throw malformed("the committer header is missing or out of place")
        }
        let committer = headers[index].value
        for (name, value) in [("author", author), ("committer", committer)] where value.contains("\n") {
            throw malformed("the \(name) header spans several lines")
        }
        return (tree, parents, author, committer)
    }

    /// Parses `Name <email> 1732000000 +0100` the way libgit2's `git_signature__parse` does:
    /// the e-mail is between the last `<` and the last `>`; a missing time is zero and a
    /// malformed time zone is UTC; only a malformed e-mail or timestamp is an error.
    static func parseSignature(_ line: String, role: String) throws(GitError) -> Signature {
        let bytes = Array(line.utf8)
        guard let emailStart = bytes.lastIndex(of: UInt8(ascii: "<")),
              let emailEnd = bytes.lastIndex(of: UInt8(ascii: ">")),
              emailStart < emailEnd
        else {
            throw malformed("the \(role) \(quote(line)) has no <e-mail>")
        }
        let name = trimmed(bytes[..<emailStart])
        let email = trimmed(bytes[(emailStart + 1)..<emailEnd])
        var time: Int64 = 0
        var offsetMinutes = 0
        let afterEmail = bytes[(emailEnd + 1)...]
        if afterEmail.count > 1 {
            // libgit2 skips exactly one byte (the space) after '>'.
            let fields = afterEmail.dropFirst()
            let (timestamp, rest) = leadingInteger(fields)
            guard let timestamp else {
                throw malformed("the \(role) \(quote(line)) has an invalid timestamp")
            }
            time = timestamp
            if rest.count > 1 {
                let zone = rest.dropFirst()
                if let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
                   let value = leadingInteger(zone.dropFirst()).value,
                   value >= 0, value <= Int64(Int32.max)
                {
                    let hours = Int(value / 100)
                    let minutes = Int(value % 100)
                    if hours <= 14 && minutes <= 59 {
                        offsetMinutes = hours * 60 + minutes
                        if sign == UInt8(ascii: "-") {
                            offsetMinutes = -offsetMinutes
                        }
                    }
                }
            }
        }
        return Signature(
            name: name, email: email,
            time: Date(timeIntervalSince1970: TimeInterval(time)),
            offsetMinutes: offsetMinutes)
    }

    /// The decimal integer at the start of `bytes` (optionally signed) and what follows it;
    /// `nil` when there is no digit or the value overflows.
    private static func leadingInteger(
        _ bytes: ArraySlice<UInt8>
    ) -> (value: Int64?, rest: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        var negative = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            if overflow1 || overflow2 {
                return (nil, bytes[index...])
            }
            value = sum
            digits += 1
            index += 1
        }
        return (digits == 0 ? nil : (negative ? -value : value), bytes[index...])
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        // libgit2 trims spaces (and other ASCII whitespace) at both ends.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text(bytes[first...last])
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func quote(_ bytes: ArraySlice<UInt8>) -> String {
        quote(text(bytes))
    }

    private static func quote(_ text: String) -> String {
        let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return "'" + shown.replacingOccurrences(of: "\n", with: "\\n") + "'"
    }

    private static func malformed(_ reason: String) -> GitError {
        GitError(code: .other(-1), message: "malformed commit object: " + reason)
    }
}
