import Documents

/// A parsed Policy document (SPEC §2): which subjects it matches and its rules.
public struct Policy: Sendable {
    public var name: String
    public var description: String?
    public var match: Match
    public var enforcement: Enforcement
    public var tags: [String]
    public var rules: [Rule]
    public var file: String
    /// `spec.variables`: named CEL expressions its `expr` rules read as `variables.<name>`.
    public var variables: [PolicyVariable] = []

    public init(name: String, description: String?, match: Match, enforcement: Enforcement,
                tags: [String], rules: [Rule], file: String) {
        self.name = name
        self.description = description
        self.match = match
        self.enforcement = enforcement
        self.tags = tags
        self.rules = rules
        self.file = file
    }
}

/// Which subjects a policy applies to. `from`/`to` constrain PromotionRequests only;
/// `models` are globs (`*`, `fraud-*`) on `spec.model`; `labels` must all be present.
public struct Match: Sendable {
    public var kinds: [DocumentKind]
    public var from: [String]?
    public var to: [String]?
    public var models: [String]?
    public var labels: [String: String]

    public init(kinds: [DocumentKind], from: [String]? = nil, to: [String]? = nil,
                models: [String]? = nil, labels: [String: String] = [:]) {
        self.kinds = kinds
        self.from = from
        self.to = to
        self.models = models
        self.labels = labels
    }

    public func matches(_ document: Document) -> Bool {
        guard kinds.contains(document.kind) else { return false }
        if document.kind == .promotionRequest {
            if let from, !from.contains(document.text("from") ?? "") { return false }
            if let to, !to.contains(document.text("to") ?? "") { return false }
        }
        if let models {
            guard let model = document.text("model"),
                  models.contains(where: { Glob.matches($0, model) }) else { return false }
        }
        for (key, value) in labels where document.labels[key] != value {
            return false
        }
        return true
    }
}

/// One rule of a policy: an id, how it is enforced, and exactly one check.
public struct Rule: Sendable {
    public var id: String
    public var description: String?
    public var enforcement: Enforcement
    public var runbook: String?
    public var tags: [String]
    public var check: any Check
    /// Where `id:` is written.
    public var location: SourceLocation
    /// Where the rule's `runbook:` value is written, when it has one.
    public var runbookLocation: SourceLocation?

    public init(id: String, description: String?, enforcement: Enforcement, runbook: String?,
                tags: [String], check: any Check, location: SourceLocation) {
        self.id = id
        self.description = description
        self.enforcement = enforcement
        self.runbook = runbook
        self.tags = tags
        self.check = check
        self.location = location
    }
}

/// Shell-style globs on names (and on one path segment): `*` any run of characters, `?` one character.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(pattern[...], text[...])
    }

    public static func matches(_ pattern: Substring, _ text: Substring) -> Bool {
        // Paths and names are nearly always ASCII: there a byte is a character (a carriage
        // return is not, since "\r\n" is one character), so match the bytes in place.
        if let matched = matchesASCII(pattern.utf8, text.utf8) { return matched }
        let p = Array(pattern), t = Array(text)
        return matches(p, t, any: "?", many: "*")
    }

    /// The match over ASCII without a carriage return; nil when either side has another byte.
    static func matchesASCII(_ pattern: Substring.UTF8View, _ text: Substring.UTF8View) -> Bool? {
        let plain: (UInt8) -> Bool = { $0 < 0x80 && $0 != UInt8(ascii: "\r") }
        guard pattern.allSatisfy(plain), text.allSatisfy(plain) else { return nil }
        return matches(Array(pattern), Array(text), any: UInt8(ascii: "?"), many: UInt8(ascii: "*"))
    }

    private static func matches<Element: Equatable>(_ p: [Element], _ t: [Element], any: Element, many: Element) -> Bool {
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == any || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == many {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == many { pi += 1 }
        return pi == p.count
    }
}
