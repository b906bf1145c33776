extension CheckRegistry {
    /// regression, distillation
    static let modelQuality: [any Check.Type] = [RegressionCheck.self, DistillationCheck.self]
}
