import Documents

/// JSON Schemas (draft 2020-12) of every document kind, derived from the same schema data
/// the loader validates with (`DocumentKind.specSchema`, the rule keys of `PolicyLoader`,
/// each registered check's `schema`, the cases of `PolicyTesting`). Editors
/// (yaml-language-server) and CI tools (check-jsonschema) can then check documents before
/// Tollgate reads them. `docs/schemas/<kind>.json` holds the emitted schemas; a test keeps
/// them identical.
///
/// The schemas accept what Tollgate accepts, seen through a JSON data model:
/// - a text field takes any scalar's source text, so it allows strings, numbers and
///   booleans (`version: 1.10` is a number to a JSON tool, "1.10" to Tollgate);
/// - formats become patterns on strings; names also allow non-negative integers
///   (`name: 8812` reads as "8812");
/// - RFC 3339 fields are strings matching a date (`2026-11-20`) or a date-time
///   (`2026-11-20T14:03:00Z`, `T` or a space, `Z` or an offset). check-jsonschema and
///   yaml-language-server read unquoted timestamps as strings of their source text;
/// - an optional field may be empty (`license:`), which Tollgate reads as absent;
/// - semantic rules that are not schema data (a threshold needs a bound, a case needs
///   `verdict` or `expect`, references resolve) are left to `policy check`.
public enum JSONSchemaExport {
    /// The JSON Schema dialect of every emitted schema.
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"
    /// Where the schemas are published; a schema's `$id` is this plus its file name.
    public static let baseURI = "https://tollgate.dev/schemas/v1/"

    /// The kinds that have a schema, in `DocumentKind` order.
    public static let allKinds: [DocumentKind] = DocumentKind.allCases

    /// `modelcard.json`.
    public static func fileName(for kind: DocumentKind) -> String {
        kind.rawValue.lowercased() + ".json"
    }

    /// `https://tollgate.dev/schemas/v1/modelcard.json`.
    public static func id(for kind: DocumentKind) -> String {
        baseURI + fileName(for: kind)
    }

    /// The schema of a whole document of `kind` (envelope and spec) as pretty-printed JSON
    /// with sorted keys and a trailing newline.
    public static func schema(for kind: DocumentKind) -> String {
        JSONText.render(document(kind)) + "\n"
    }

    // MARK: - Documents

    static func document(_ kind: DocumentKind) -> JSONText {
        var root: [String: JSONText] = [
            "$schema": .string(dialect),
            "$id": .string(id(for: kind)),
            "title": .string("Tollgate \(kind.rawValue)"),
            "description": .string(description(of: kind)),
            "type": .string("object"),
            "required": .strings(["apiVersion", "kind", "metadata", "spec"]),
            "additionalProperties": .bool(false),
            "properties": .object([
                "apiVersion": .object([
                    "const": .string(DocumentKind.apiVersion),
                    "description": .string("the Tollgate document version"),
                ]),
                "kind": .object([
                    "const": .string(kind.rawValue),
                    "description": .string("the document kind"),
                ]),
                "metadata": object(metadata, description: "name and labels of the document"),
                "spec": spec(kind),
            ]),
        ]
        if kind == .policy {
            var definitions = checkDefinitions()
            definitions["rule"] = rule()
            root["$defs"] = .object(definitions)
        }
        return .object(root)
    }

    static func description(of kind: DocumentKind) -> String {
        switch kind {
        case .modelCard:
            return "A model card: what a model version is for, who owns it, its limitations and its data."
        case .runManifest:
            return "One training or distillation run: pinned code, environment and dataset, its artifacts and its evaluation."
        case .promotionRequest:
            return "A request to promote a model version from one stage to another, naming its run and model card."
        case .approval:
            return "One approver's decision on a promotion request (or waiver), bound to the bundle digest reviewed."
        case .incident:
            return "An incident of a model in service."
        case .team:
            return "Who is who: members, their e-mails, signing keys and roles."
        case .policy:
            return "A policy: which subjects it matches and its rules, each with exactly one check."
        case .waiver:
            return "A time-boxed exception to one rule of a policy for one subject."
        case .config:
            return "Repository configuration (.tollgate.yaml): where documents live, the stages, protected paths, waivers."
        case .policyTest:
            return "Test cases for policies, run by `policy test`."
        }
    }

    /// The envelope's `metadata` (as `DocumentLoader` validates it).
    static let metadata = ObjectSchema([
        FieldSchema("name", .text(.name), "unique within its kind: lower-case letters, digits, '.', '_' and '-'"),
        .optional("labels", .dictionary(.text()), "string → string"),
        .optional("annotations", .dictionary(.text()), "string → string, free-form"),
    ])

    /// The kind's spec, with the list items the document schema leaves to others (`.any`)
    /// replaced by what validates them: a Policy's rules, a PolicyTest's cases.
    static func spec(_ kind: DocumentKind) -> JSONText {
        var schema = kind.specSchema
        if kind == .policyTest, let index = schema.fields.firstIndex(where: { $0.name == "cases" }),
           case .list(_, let minItems) = schema.fields[index].type {
            schema.fields[index].type = .list(.object(PolicyTesting.caseSchema), minItems: minItems)
        }
        var spec = object(schema, description: "the \(kind.rawValue)")
        if kind == .policy {
            spec = spec.replacing(["properties", "rules", "items"], with: .object(["$ref": .string("#/$defs/rule")]))
        }
        return spec
    }

    // MARK: - Policy rules

    /// One rule: the common keys, every registered check as an optional key, and a
    /// `oneOf` that makes exactly one check key required.
    static func rule() -> JSONText {
        var properties = fieldProperties(PolicyLoader.ruleSchema)
        var variants: [JSONText] = []
        for check in CheckRegistry.all {
            properties[check.keyword] = .object(["$ref": .string("#/$defs/\(check.keyword)")])
            var variant: [String: JSONText] = [
                "title": .string(check.keyword),
                "required": .strings([check.keyword]),
            ]
            if check.keyword != ExprCheck.keyword {
                // message and messageExpression belong to expr rules only.
                variant["not"] = .object(["anyOf": .array(PolicyLoader.exprKeys.map { .object(["required": .strings([$0])]) })])
            }
            variants.append(.object(variant))
        }
        let keywords = CheckRegistry.all.map { $0.keyword }.joined(separator: ", ")
        return .object([
            "type": .string("object"),
            "description": .string("a rule: id, optional description, enforcement, runbook and tags, and exactly one check (\(keywords))"),
            "properties": .object(properties),
            "required": .strings(PolicyLoader.ruleSchema.fields.filter(\.required).map(\.name)),
            "additionalProperties": .bool(false),
            "oneOf": .array(variants),
        ])
    }

    /// `$defs`: one schema per registered check, by keyword.
    static func checkDefinitions() -> [String: JSONText] {
        var definitions: [String: JSONText] = [:]
        for check in CheckRegistry.all {
            definitions[check.keyword] = object(check.schema, description: check.summary, valuePaths: true)
        }
        // `expr` is written as a string; its message keys sit beside it in the rule.
        definitions[ExprCheck.keyword] = .object(["type": .string("string"), "minLength": .int(1),
                                                   "description": .string(ExprCheck.summary)])
        return definitions
    }

    /// A value path (`threshold.value`, `require.fields`) must start with a bound name.
    static var valuePathPattern: String {
        "^[.\\[\\]]*(" + EvaluationContext.names.joined(separator: "|") + ")([.\\[\\]]|$)"
    }

    // MARK: - Field types

    static func object(_ schema: ObjectSchema, description: String? = nil, valuePaths: Bool = false) -> JSONText {
        var result: [String: JSONText] = [
            "type": .string("object"),
            "properties": .object(fieldProperties(schema, valuePaths: valuePaths)),
            "additionalProperties": .bool(false),
        ]
        let required = schema.fields.filter(\.required).map(\.name)
        if !required.isEmpty { result["required"] = .strings(required) }
        if let description, !description.isEmpty { result["description"] = .string(description) }
        return .object(result)
    }

    static func fieldProperties(_ schema: ObjectSchema, valuePaths: Bool = false) -> [String: JSONText] {
        var properties: [String: JSONText] = [:]
        for field in schema.fields {
            var converted = convert(field.type)
            if valuePaths, ValuePaths.pathKeys.contains(field.name) {
                converted = withValuePathPattern(converted)
            }
            if !field.required {
                converted = allowingNull(converted)  // `key:` with nothing after it is absent
            }
            if !field.summary.isEmpty, case .object(var members) = converted {
                members["description"] = .string(field.summary)
                converted = .object(members)
            }
            properties[field.name] = converted
        }
        return properties
    }

    /// The JSON Schema of one field type.
    static func convert(_ type: FieldType) -> JSONText {
        switch type {
        case .text(nil):
            return .object(["type": textTypes])
        case .text(let format?):
            return text(format)
        case .number:
            return .object(["type": .string("number")])
        case .integer:
            return .object(["type": .string("integer")])
        case .boolean:
            return .object(["type": .string("boolean")])
        case .oneOf(let words):
            return .object(["type": .string("string"), "enum": .strings(words)])
        case .list(let element, let minItems):
            return list(convert(element), minItems: minItems)
        case .object(let schema):
            return object(schema)
        case .dictionary(let element):
            return .object(["type": .string("object"), "additionalProperties": convert(element)])
        case .textOrObject(let format, let schema):
            return .object(["anyOf": .array([convert(.text(format)), object(schema)])])
        case .scalar:
            return .object(["type": .strings(["string", "number", "boolean"])])
        case .any:
            return .object([:])
        }
    }

    /// Any scalar but null: Tollgate takes its source text.
    static let textTypes = JSONText.strings(["string", "number", "integer", "boolean"])

    static func list(_ items: JSONText, minItems: Int) -> JSONText {
        var result: [String: JSONText] = ["type": .string("array"), "items": items]
        if minItems > 0 { result["minItems"] = .int(minItems) }
        return .object(result)
    }

    /// A text field with a format: a string matching the format's pattern.
    static func text(_ format: TextFormat) -> JSONText {
        switch format {
        case .name:
            // A plain integer such as 8812 reads as the name "8812".
            return .object(["type": .strings(["string", "integer"]), "pattern": .string(pattern(format)),
                            "maxLength": .int(253), "minimum": .int(0)])
        case .relativePath:
            return .object(["type": .string("string"), "pattern": .string(pattern(format)),
                            "not": .object(["type": .string("string"), "pattern": .string(relativePathParentPattern)])])
        case .commitSHA, .imageDigest, .sha256, .md5, .bundleDigest, .rfc3339, .semver:
            return .object(["type": .string("string"), "pattern": .string(pattern(format))])
        case .nonBlank:
            // Any scalar, as for plain text; a string must hold a character that is not white space.
            return .object(["type": textTypes, "pattern": .string(pattern(format))])
        }
    }

    /// The regular expression (ECMA 262, no look-around) a string of `format` matches.
    /// For `.relativePath` the string must also not match `relativePathParentPattern`.
    public static func pattern(_ format: TextFormat) -> String {
        switch format {
        case .name:
            return "^[a-z0-9][a-z0-9._-]*$"
        case .commitSHA:
            return "^[0-9a-fA-F]{40}$"
        case .imageDigest:
            return "^[^@\\s]+@sha256:[0-9a-f]{64}$"
        case .sha256:
            return "^[0-9a-fA-F]{64}$"
        case .md5:
            return "^[0-9a-fA-F]{32}$"
        case .bundleDigest:
            return "^sha256:[0-9a-f]{64}$"
        case .rfc3339:
            let date = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
            let time = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?"
            let offset = "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
            return "^\(date)([T ]\(time)\(offset))?$"
        case .relativePath:
            return "^[^/]"
        case .nonBlank:
            return "\\S"
        case .semver:
            // semver.org's suggested expression, with [0-9] for \d.
            let number = "(0|[1-9][0-9]*)"
            let prerelease = "(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
            return "^\(number)\\.\(number)\\.\(number)(-\(prerelease)(\\.\(prerelease))*)?(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$"
        }
    }

    /// A `..` segment, which a repository-relative path must not have.
    public static let relativePathParentPattern = "(^|/)\\.\\.(/|$)"

    static func allowingNull(_ schema: JSONText) -> JSONText {
        guard case .object(var members) = schema else { return schema }
        if case .array(let words)? = members["enum"] {
            members["enum"] = .array(words + [.null])
        }
        switch members["type"] {
        case .string(let type)?:
            members["type"] = .strings([type, "null"])
        case .array(let types)?:
            members["type"] = .array(types + [.string("null")])
        default:
            break  // `{}` already allows null
        }
        return .object(members)
    }

    /// A value path is text that starts with a bound name, so it is a string to a JSON tool.
    static func withValuePathPattern(_ schema: JSONText) -> JSONText {
        guard case .object(var members) = schema else { return schema }
        if case .object(let items)? = members["items"] {
            members["items"] = withValuePathPattern(.object(items))
        } else if members["type"] == textTypes {
            members["type"] = .string("string")
            members["pattern"] = .string(valuePathPattern)
        }
        return .object(members)
    }
}

/// A JSON value, rendered deterministically: two-space indentation, keys sorted, `": "`.
enum JSONText: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([String: JSONText])

    static func strings(_ values: [String]) -> JSONText { .array(values.map(JSONText.string)) }

    static func render(_ value: JSONText, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .string(let s): return quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy(\.isScalar) {
                return "[" + items.map { render($0) }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + render($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            return "{\n" + keys.map { inner + quote($0) + ": " + render(members[$0]!, indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    /// The value with the member at `path` (object keys) replaced; unchanged if absent.
    func replacing(_ path: [String], with replacement: JSONText) -> JSONText {
        guard let key = path.first else { return replacement }
        guard case .object(var members) = self, let member = members[key] else { return self }
        members[key] = member.replacing(Array(path.dropFirst()), with: replacement)
        return .object(members)
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
