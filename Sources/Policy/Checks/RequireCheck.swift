import Foundation
import Documents

/// `require: {fields: [path...], minItems?, minLength?, format?}` — each field present and
/// not empty: documentation such as intended use and limitations; with `format`, each a text
/// of that format (`semver`: versions are semantic versions).
public struct RequireCheck: Check {
    public static let keyword = "require"
    public static let summary = """
        Each listed field must be present and not empty: a text with at least `minLength` \
        characters (default 1, blanks ignored), a list with at least `minItems` items \
        (default 1), a non-empty mapping, or any number or boolean. With `format`, each field \
        must be a scalar whose text (as written: `version: 1.10` is "1.10") has that format: \
        `semver` (a semantic version, the SemVer 2.0.0 grammar exactly: MAJOR.MINOR.PATCH \
        without leading zeros, optional -prerelease and +build), or any format of the document \
        schemas (`commitSHA`, `sha256`, `rfc3339`, `name`, ...); each value that does not is a \
        finding located at it.
        """
    public static let schema = ObjectSchema([
        FieldSchema("fields", .list(.text(), minItems: 1), "paths that must be present, e.g. card.spec.limitations"),
        .optional("minItems", .integer, "fewest items a list may have (default 1)"),
        .optional("minLength", .integer, "fewest characters a text may have (default 1)"),
        .optional("format", .oneOf(TextFormat.allCases.map(\.rawValue)),
                  "each field must be a text of this format, e.g. semver"),
    ])

    public var fields: [String]
    public var minItems: Int
    public var minLength: Int
    /// The format each field's text must have, if any.
    public var format: TextFormat?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let list = spec["fields"]?.list else { return nil }
        fields = list.compactMap(\.string)
        if case .int(let n)? = spec["minItems"]?.kind { minItems = n } else { minItems = 1 }
        if case .int(let n)? = spec["minLength"]?.kind { minLength = n } else { minLength = 1 }
        format = spec["format"]?.string.flatMap(TextFormat.init(rawValue:))
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        for path in fields {
            switch context.lookup(path) {
            case .missing(let reason, let location):
                outcome.violations.append(Violation("\(reason); the rule fails closed", at: location))
                outcome.evidence.append(Evidence(path: path, value: nil, location: nil))
            case .found(let value):
                outcome.evidence.append(Evidence(path: path, value: value, location: value.location))
                if let problem = emptiness(of: value) {
                    outcome.violations.append(Violation("\(path) \(problem)", at: value.location))
                } else if let format, let problem = Self.formatProblem(value, format) {
                    outcome.violations.append(Violation("\(path) \(problem)", at: value.location))
                }
            }
        }
        return outcome
    }

    /// Why `value` is not a text of `format` (nil when it is). A scalar is taken as written.
    private static func formatProblem(_ value: YAMLValue, _ format: TextFormat) -> String? {
        guard value.isScalar, let text = value.text else {
            return "must be a text of format \(format.rawValue), found \(value.typeDescription)"
        }
        return format.accepts(text) ? nil : "is invalid: \(format.violation(text))"
    }

    private func emptiness(of value: YAMLValue) -> String? {
        switch value.kind {
        case .string(let s):
            let length = s.trimmedOfWhitespace.count
            if length == 0 { return "is empty" }
            if length < minLength { return "has \(length) characters, needs at least \(minLength)" }
        case .list(let items):
            if items.count < minItems {
                return items.isEmpty ? "is empty" : "has \(items.count) item\(items.count == 1 ? "" : "s"), needs at least \(minItems)"
            }
            for item in items {
                if let s = item.string, s.trimmedOfWhitespace.isEmpty {
                    return "has an empty item"
                }
            }
        case .map(let map):
            if map.entries.isEmpty { return "is empty" }
        case .null:
            return "is empty"
        default:
            break
        }
        return nil
    }

    public static let examples: [CheckExample] = [
        CheckExample("documented limitations pass", check: "{fields: [card.spec.limitations]}",
                     card: "limitations: [Not calibrated for merchants outside the EU]", expect: .pass),
        CheckExample("several fields present pass", check: "{fields: [card.spec.intendedUse.primaryUses, card.spec.limitations]}",
                     card: "intendedUse: {primaryUses: [fraud triage]}\nlimitations: [EU only]", expect: .pass),
        CheckExample("exactly minItems passes", check: "{fields: [card.spec.limitations], minItems: 2}",
                     card: "limitations: [EU only, card-present only]", expect: .pass),
        CheckExample("a missing field fails closed, naming the path", check: "{fields: [card.spec.limitations]}",
                     card: "license: apache-2.0", expect: .block, message: "card.spec.limitations is missing"),
        CheckExample("an empty list blocks", check: "{fields: [card.spec.limitations]}",
                     card: "limitations: []", expect: .block, message: "card.spec.limitations is empty"),
        CheckExample("fewer than minItems blocks", check: "{fields: [card.spec.limitations], minItems: 2}",
                     card: "limitations: [EU only]", expect: .block, message: "has 1 item, needs at least 2"),
        CheckExample("a blank text blocks", check: "{fields: [card.spec.description]}",
                     card: "description: '   '", expect: .block, message: "card.spec.description is empty"),
        CheckExample("semantic versions pass", check: "{fields: [request.spec.version, card.spec.version], format: semver}",
                     card: "version: 2.1.0-rc.1+build.7", request: "version: \"2.1.0\"", expect: .pass),
        CheckExample("a version that is not a semantic version is a located finding",
                     check: "{fields: [request.spec.version, card.spec.version], format: semver}",
                     card: "version: banana", expect: .block,
                     message: "card.spec.version is invalid: 'banana' is not a semantic version"),
        CheckExample("a leading zero is not SemVer 2.0.0", check: "{fields: [request.spec.version], format: semver}",
                     request: "version: \"2.01.0\"", expect: .block, message: "'2.01.0' is not a semantic version"),
        CheckExample("a version written as a number is taken as written: 1.10 is not MAJOR.MINOR.PATCH",
                     check: "{fields: [card.spec.version], format: semver}",
                     card: "version: 1.10", expect: .block, message: "'1.10' is not a semantic version"),
    ]
}
