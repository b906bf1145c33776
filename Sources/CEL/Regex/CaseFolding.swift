/// Simple case folding for `(?i)`.
enum CaseFolding {
    private static func single(_ mapping: String) -> Unicode.Scalar? {
        let scalars = mapping.unicodeScalars
        guard scalars.count == 1 else { return nil }
        return scalars.first
    }

    /// The other cases of `scalar` that are single code points (`a` → `A`, `ς` → `Σ`, `σ`).
    static func variants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let properties = scalar.properties
        var candidates = [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping].compactMap(single)
        if let upper = single(properties.uppercaseMapping), let lower = single(upper.properties.lowercaseMapping) {
            candidates.append(lower)
        }
        var result: [Unicode.Scalar] = []
        for candidate in candidates where candidate != scalar && !result.contains(candidate) {
            result.append(candidate)
        }
        return result
    }

    /// A representative of `scalar`'s case class, equal for `a` and `A`, and for `σ`, `ς`
    /// and `Σ`: the lowercase of the uppercase.
    static func fold(_ scalar: Unicode.Scalar) -> UInt32 {
        if scalar.isASCII {
            let value = scalar.value
            return (65...90).contains(value) ? value + 32 : value
        }
        let upper = single(scalar.properties.uppercaseMapping) ?? scalar
        return (single(upper.properties.lowercaseMapping) ?? upper).value
    }
}
