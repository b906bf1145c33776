/// The outcome for a subject or a rule. Worst wins: block > warn > pass.
public enum Verdict: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case pass, warn, block

    private var rank: Int {
        switch self {
        case .pass: return 0
        case .warn: return 1
        case .block: return 2
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

/// How a failing rule counts: it blocks, or only warns.
public enum Enforcement: String, Sendable, Hashable, Codable {
    case block, warn

    public var verdict: Verdict { self == .block ? .block : .warn }
}
