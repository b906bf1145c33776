extension CheckRegistry {
    /// expr
    static let expressions: [any Check.Type] = [ExprCheck.self]
}
