extension CheckRegistry {
    /// burnRate
    static let reliability: [any Check.Type] = [BurnRateCheck.self]
}
