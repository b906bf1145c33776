/// Inclusive bounds on computed figures (gaps, ratios, burn rates, PSI). Bounds are
/// inclusive as in MLflow's `MetricThreshold`; a figure computed by subtraction or division
/// (0.932 − 0.897 = 0.035000000000000031) is compared with a tolerance of 1e-9 relative to
/// the bound, so a value that equals the bound as written passes.
public enum Bounds {
    public static let tolerance = 1e-9

    /// Whether `value` is above `max` by more than the tolerance.
    public static func exceeds(_ value: Double, max bound: Double) -> Bool {
        value > bound + tolerance * Swift.max(1, abs(bound))
    }

    /// Whether `value` is below `min` by more than the tolerance.
    public static func isBelow(_ value: Double, min bound: Double) -> Bool {
        value < bound - tolerance * Swift.max(1, abs(bound))
    }
}
