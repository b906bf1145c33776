import CEL
import Documents

/// How Tollgate's values meet CEL: documents become maps, and the functions Tollgate adds.
public enum CELBridge {
    /// A YAML value as a CEL value: mappings → maps with string keys, integers → int,
    /// other numbers → double, text → string.
    public static func value(_ yaml: YAMLValue) -> CELValue {
        switch yaml.kind {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .list(items.map(value))
        case .map(let map): return .map(CELMap(map.entries.map { (key: CELMapKey.string($0.key), value: value($0.value)) }))
        }
    }

    /// The standard library plus `psi(baseline, current)` (SPEC §2 conventions, as the
    /// `drift` check computes it) and `semverCompare(a, b)` (−1, 0 or 1, by semantic version
    /// precedence; pre-releases sort before their release).
    public static let functions: CELFunctions = CELFunctions.standard
        .adding("psi", arity: 2, receiver: false) { (arguments: [CELValue]) throws(CELError) -> CELValue in
            guard let baseline = numbers(arguments[0]), let current = numbers(arguments[1]) else {
                throw CELError.noMatchingOverload("psi", arguments)
            }
            let psi = DriftCheck.psi(baseline: baseline, current: current)
            guard psi.isFinite else { throw CELError.evaluation("psi: the two lists must be non-empty counts of the same length") }
            return .double(psi)
        }
        .adding("semverCompare", arity: 2, receiver: false) { (arguments: [CELValue]) throws(CELError) -> CELValue in
            guard case .string(let a) = arguments[0], case .string(let b) = arguments[1] else {
                throw CELError.noMatchingOverload("semverCompare", arguments)
            }
            guard let x = SemanticVersion(a), let y = SemanticVersion(b) else {
                throw CELError.evaluation("semverCompare: '\(SemanticVersion(a) == nil ? a : b)' is not a semantic version")
            }
            return .int(x < y ? -1 : (y < x ? 1 : 0))
        }

    static func numbers(_ value: CELValue) -> [Double]? {
        guard case .list(let items) = value else { return nil }
        var result: [Double] = []
        for item in items {
            switch item {
            case .int(let i): result.append(Double(i))
            case .uint(let u): result.append(Double(u))
            case .double(let d): result.append(d)
            default: return nil
            }
        }
        return result
    }
}

/// A semantic version (semver.org 2.0.0) for comparison: `MAJOR.MINOR.PATCH[-pre][+build]`.
/// A leading `v` and missing minor/patch parts ("2.1") are accepted.
struct SemanticVersion: Comparable {
    var core: [Int]
    var prerelease: [String]

    init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("v") { rest = rest.dropFirst() }
        if let plus = rest.firstIndex(of: "+") { rest = rest[..<plus] }
        var pre: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            pre = rest[rest.index(after: dash)...].split(separator: ".").map(String.init)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        core = parts.compactMap { $0 } + Array(repeating: 0, count: 3 - parts.count)
        prerelease = pre
    }

    static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if a.core != b.core { return a.core.lexicographicallyPrecedes(b.core) }
        if a.prerelease.isEmpty || b.prerelease.isEmpty { return !a.prerelease.isEmpty && b.prerelease.isEmpty }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (Int(x), Int(y)) {
            case (let i?, let j?): return i < j
            case (.some, nil): return true
            case (nil, .some): return false
            default: return x < y
            }
        }
        return a.prerelease.count < b.prerelease.count
    }
}
