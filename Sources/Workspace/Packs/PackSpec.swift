import Documents

/// One entry of `spec.packs` in the Config: a policy pack fetched from a git repository by
/// `policy pack update`, vendored under the pack directory and pinned in the lock
/// (docs/packs.md).
public struct PackSpec: Sendable, Hashable {
    /// The pack's directory under the pack directory (`policies/vendor/<name>/`).
    public var name: String
    /// A git URL, or a local path (relative to the Config's directory), as written.
    public var source: String
    /// A tag, a branch or a full commit id.
    public var ref: String
    /// The pack's directory in its repository, ending in "/" ("" = the whole tree).
    public var path: String
    /// `sha256:<64 hex>`: the content digest the pack must have, when the Config pins one.
    public var digest: String?
    /// Where the entry is written in the Config.
    public var location: SourceLocation
    /// Where `digest` is written, for the message when the content differs.
    public var digestLocation: SourceLocation?

    /// The default `path`: a pack repository is a Tollgate project whose policies live where
    /// `policy init` puts them.
    public static let defaultPath = "policies/"

    /// Whether `text` is a content digest: `sha256:` and 64 lower-case hex digits.
    static func isDigest(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 71 && text.hasPrefix("sha256:")
            && bytes.dropFirst(7).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The name a pack gets when the Config gives none: the source's last path segment
    /// without `.git` (`https://example.com/acme/ml-policies.git` → `ml-policies`).
    static func defaultName(for source: String) -> String? {
        var last = source.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? ""
        if last.hasSuffix(".git") { last.removeLast(4) }
        let name = last.lowercased()
        return TextFormat.name.accepts(name) ? name : nil
    }

    /// `source` as messages show it: the user information of a URL (`https://user:token@host/…`)
    /// is replaced by `***`, so that a credential written into the Config is never printed.
    public var displaySource: String { Self.redacted(source) }

    /// `text` with the user information of every URL in it replaced by `***`.
    static func redacted(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            result += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { "/?#'\" \n".contains($0) } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                result += "***"
                rest = rest[at...]
            }
        }
        return result + rest
    }

    /// Whether `source` is a URL (or scp-like `host:path`) rather than a local path.
    var isURL: Bool {
        if source.contains("://") { return true }
        guard let colon = source.firstIndex(of: ":") else { return false }
        return !source[..<colon].contains("/")
    }

    /// Parses and validates `spec.packs`: every problem located at its value.
    static func parse(_ list: YAMLValue?, configFile: String) -> (packs: [PackSpec], problems: [Diagnostic]) {
        guard let items = list?.list else { return ([], []) }
        var packs: [PackSpec] = []
        var problems: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        for item in items {
            guard item.map != nil, let source = item["source"]?.string, let ref = item["ref"]?.string else {
                continue  // the schema reports a missing source or ref, or an entry that is not a mapping
            }
            let nameValue = item["name"]
            let name: String
            if let given = nameValue?.string {
                name = given
            } else if let derived = defaultName(for: source) {
                name = derived
            } else {
                problems.append(Diagnostic(.schema,
                    "no pack name can be derived from source '\(source)': give the pack a name (name: my-pack)",
                    at: item["source"]?.location ?? item.location))
                continue
            }
            if name == PackLock.fileName {
                problems.append(Diagnostic(.schema, "a pack cannot be named '\(name)': that is the lock file's name",
                                           at: nameValue?.location ?? item.location))
                continue
            }
            if let first = seen[name] {
                problems.append(Diagnostic(.schema,
                    "two packs are named '\(name)' (\(nameValue == nil ? "derived from the source; " : "")each pack needs its own directory): rename one with name:",
                    at: nameValue?.location ?? item.location, notes: [.init("first named here", at: first)]))
                continue
            }
            seen[name] = nameValue?.location ?? item.location
            let refProblem = PackSpec.refProblem(ref)
            if let refProblem {
                problems.append(Diagnostic(.schema, refProblem, at: item["ref"]?.location ?? item.location))
            }
            var digest: String?
            if let digestValue = item["digest"], let text = digestValue.string {  // another type: the schema says so
                if isDigest(text) {
                    digest = text
                } else {
                    problems.append(Diagnostic(.schema,
                        "'\(text)' is not a pack digest: write sha256: and 64 lower-case hex digits, as `policy pack update` prints it",
                        at: digestValue.location))
                }
            }
            var path = item["path"]?.string ?? defaultPath
            while path.hasPrefix("./") { path.removeFirst(2) }
            if path == "." || path == "/" { path = "" }
            if !path.isEmpty && !path.hasSuffix("/") { path += "/" }
            packs.append(PackSpec(name: name, source: source, ref: ref, path: path, digest: digest,
                                  location: item.location, digestLocation: item["digest"]?.location))
        }
        return (packs, problems)
    }

    /// Why a ref cannot be fetched as written, nil when it can: a tag or branch name, or a
    /// full commit id (no revision expressions such as `v1~1`, which would move with history).
    static func refProblem(_ ref: String) -> String? {
        if ref.isEmpty || ref.hasPrefix("-") || ref.hasPrefix("/") || ref.hasSuffix("/") || ref.hasSuffix(".lock")
            || ref.contains("..") || ref.contains("//") || ref.contains(where: { "~^:?*[\\@{ \t".contains($0) || $0.asciiValue.map { $0 < 32 || $0 == 127 } == true }) {
            return "'\(ref)' is not a tag, a branch or a full commit id"
        }
        return nil
    }
}
