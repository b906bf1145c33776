extension CheckRegistry {
    /// drift, lineage, signedBy
    static let data: [any Check.Type] = [DriftCheck.self, LineageCheck.self, SignedByCheck.self]
}
