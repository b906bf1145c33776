/// What a check says about each compliance framework and control its policies are tagged with:
/// how many rule evaluations (one rule for one subject) passed, warned, blocked or did not
/// apply. A tag is `<framework>:<control>` (`eu-ai-act:art-15`, `iso42001:A.6.2.4`); the
/// framework is the part before the first colon.
public struct ComplianceCoverage: Hashable, Sendable {
    /// A framework's display name (`EU AI Act`) or a control tag (`iso42001:A.6.2.4`).
    public var name: String
    public var pass = 0
    public var warn = 0
    public var block = 0
    /// Rules that did not apply (they pass; counted apart so coverage is not overstated).
    public var notApplicable = 0

    public init(name: String) {
        self.name = name
    }

    /// Rule evaluations counted.
    public var total: Int { pass + warn + block + notApplicable }

    mutating func count(_ rule: RuleEvaluation) {
        if rule.notApplicable != nil { notApplicable += 1; return }
        switch rule.outcome {
        case .pass: pass += 1
        case .warn: warn += 1
        case .block: block += 1
        }
    }

    /// The frameworks Tollgate's packs tag, by tag prefix, with the names their owners use.
    public static let frameworkNames = [
        "eu-ai-act": "EU AI Act", "iso42001": "ISO/IEC 42001", "nist-ai-rmf": "NIST AI RMF",
        "soc2": "SOC 2", "gdpr": "GDPR", "hipaa": "HIPAA", "iso27001": "ISO/IEC 27001",
    ]

    /// The framework of a tag: its prefix's display name, or the prefix as written; nil for a
    /// tag without a colon (a plain label, not a control).
    public static func framework(of tag: String) -> String? {
        guard let colon = tag.firstIndex(of: ":"), colon != tag.startIndex else { return nil }
        let prefix = String(tag[..<colon])
        return frameworkNames[prefix.lowercased()] ?? prefix
    }
}

extension Report {
    /// Coverage by framework, frameworks in name order. Each rule evaluation counts once per
    /// framework however many of its controls it is tagged with.
    public var coverageByFramework: [ComplianceCoverage] {
        var frameworks: [String: ComplianceCoverage] = [:]
        for rule in subjects.lazy.flatMap(\.rules) {
            for name in Set(rule.tags.compactMap(ComplianceCoverage.framework)) {
                frameworks[name, default: ComplianceCoverage(name: name)].count(rule)
            }
        }
        return frameworks.values.sorted { $0.name < $1.name }
    }

    /// Coverage by tag, tags sorted.
    public var coverageByTag: [ComplianceCoverage] {
        var tags: [String: ComplianceCoverage] = [:]
        for rule in subjects.lazy.flatMap(\.rules) {
            for tag in Set(rule.tags) { tags[tag, default: ComplianceCoverage(name: tag)].count(rule) }
        }
        return tags.values.sorted { $0.name < $1.name }
    }
}
