extension CheckRegistry {
    /// drift, lineage
    static let data: [any Check.Type] = [DriftCheck.self, LineageCheck.self]
}
