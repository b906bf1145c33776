/// The responsible-AI part of a request: the slice figures the `slices` rules compared, the
/// drift the `drift` rules measured, and what the model card states.
public struct ResponsibleAI: Sendable, Hashable {
    public var sliceTables: [SliceTable]
    public var drift: [DriftFeature]
    /// Drift bounds, as the drift rules state them (`PSI ≤ 0.2`).
    public var driftBounds: [String]
    public var description: String?
    public var primaryUses: [String]
    public var primaryUsers: [String]
    public var outOfScope: [String]
    public var limitations: [String]
    public var ethicalConsiderations: [Consideration]
    /// `card.spec.fairness.sensitiveFeatures`; nil when the card does not declare them.
    public var sensitiveFeatures: [String]?

    public init(sliceTables: [SliceTable] = [], drift: [DriftFeature] = [], driftBounds: [String] = [],
                description: String? = nil, primaryUses: [String] = [], primaryUsers: [String] = [],
                outOfScope: [String] = [], limitations: [String] = [], ethicalConsiderations: [Consideration] = [],
                sensitiveFeatures: [String]? = nil) {
        self.sliceTables = sliceTables
        self.drift = drift
        self.driftBounds = driftBounds
        self.description = description
        self.primaryUses = primaryUses
        self.primaryUsers = primaryUsers
        self.outOfScope = outOfScope
        self.limitations = limitations
        self.ethicalConsiderations = ethicalConsiderations
        self.sensitiveFeatures = sensitiveFeatures
    }

    public struct Consideration: Sendable, Hashable {
        public var name: String
        public var mitigation: String?

        public init(name: String, mitigation: String?) {
            self.name = name
            self.mitigation = mitigation
        }
    }

    /// The slices of one metric compared one way (`accuracy` against the best slice), with
    /// the bounds of every rule that compares them so.
    public struct SliceTable: Sendable, Hashable {
        public var metric: String
        /// `best` or `overall`.
        public var against: String
        /// `maxGap ≤ 0.05`, `minRatio ≥ 0.8`, `minSupport ≥ 1000`, with the rule of each.
        public var bounds: [String]
        public var maxGap: Double?
        public var minRatio: Double?
        public var minSupport: Int?
        public var rows: [SliceRow]

        public init(metric: String, against: String, bounds: [String], maxGap: Double?, minRatio: Double?,
                    minSupport: Int?, rows: [SliceRow]) {
            self.metric = metric
            self.against = against
            self.bounds = bounds
            self.maxGap = maxGap
            self.minRatio = minRatio
            self.minSupport = minSupport
            self.rows = rows
        }
    }

    public struct SliceRow: Sendable, Hashable {
        public var feature: String
        public var slice: String
        public var group: String
        public var value: Double
        /// What the slice is compared with: the best slice of its feature, or the overall metric.
        public var reference: Double
        public var gap: Double
        public var ratio: Double?
        public var support: Int?
        /// Whether the slice is within every bound of the table.
        public var withinBounds: Bool

        public init(feature: String, slice: String, group: String, value: Double, reference: Double, gap: Double,
                    ratio: Double?, support: Int?, withinBounds: Bool) {
            self.feature = feature
            self.slice = slice
            self.group = group
            self.value = value
            self.reference = reference
            self.gap = gap
            self.ratio = ratio
            self.support = support
            self.withinBounds = withinBounds
        }
    }

    /// One feature's drift as the drift rule measured it.
    public struct DriftFeature: Sendable, Hashable {
        public var name: String
        public var bins: [String]
        public var baseline: [Double]
        public var current: [Double]
        public var psi: Double?
        public var ks: Double?
        public var withinBounds: Bool

        public init(name: String, bins: [String], baseline: [Double], current: [Double], psi: Double?, ks: Double?,
                    withinBounds: Bool) {
            self.name = name
            self.bins = bins
            self.baseline = baseline
            self.current = current
            self.psi = psi
            self.ks = ks
            self.withinBounds = withinBounds
        }
    }
}
