extension CheckRegistry {
    /// slices
    static let fairness: [any Check.Type] = [SlicesCheck.self]
}
