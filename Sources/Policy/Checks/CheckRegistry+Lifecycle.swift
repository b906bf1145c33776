extension CheckRegistry {
    /// transition, canary, incidents
    static let lifecycle: [any Check.Type] = [TransitionCheck.self, CanaryCheck.self, IncidentsCheck.self]
}
