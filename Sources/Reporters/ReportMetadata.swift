import Policy

/// What a report was computed from, for the header and the JSON envelope.
public struct ReportMetadata: Sendable {
    public var toolVersion: String
    /// What was evaluated: "working tree", "index", "commit 3f2a9c1", "head 3f2a9c1".
    public var evaluated: String
    /// Where the policies came from.
    public var policySource: String
    public var policies: [String]
    public var documentCount: Int
    /// The part of a check split across machines (`--shard K/N`) this report holds; nil for
    /// a whole check and for the merged report.
    public var shard: Shard?

    public init(toolVersion: String, evaluated: String, policySource: String, policies: [String], documentCount: Int) {
        self.toolVersion = toolVersion
        self.evaluated = evaluated
        self.policySource = policySource
        self.policies = policies
        self.documentCount = documentCount
    }
}
