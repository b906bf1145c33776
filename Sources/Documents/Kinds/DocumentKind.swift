/// The kinds of Tollgate documents (SPEC §1).
public enum DocumentKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case modelCard = "ModelCard"
    case runManifest = "RunManifest"
    case promotionRequest = "PromotionRequest"
    case approval = "Approval"
    case incident = "Incident"
    case team = "Team"
    case policy = "Policy"
    case waiver = "Waiver"
    case config = "Config"
    case policyTest = "PolicyTest"

    /// The `apiVersion` every Tollgate document carries.
    public static let apiVersion = "tollgate/v1"

    /// Policies, Teams, Configs and PolicyTests are trusted data: in range mode they are
    /// read from the base revision itself, never from the head under review.
    public var isTrusted: Bool {
        switch self {
        case .policy, .team, .config, .policyTest: return true
        default: return false
        }
    }

    public static func < (lhs: DocumentKind, rhs: DocumentKind) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
