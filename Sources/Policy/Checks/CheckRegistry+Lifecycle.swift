extension CheckRegistry {
    /// transition, canary, incidents
    static let lifecycle: [any Check.Type] = []
}
