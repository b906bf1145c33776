/// Checks a located value against a `FieldType` and normalizes it: text fields become
/// strings of their source text, so `version: 1.10` reads (and digests) as "1.10".
public struct SchemaValidator {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    /// Validates `value` at `path` (e.g. "spec.serving") and returns the normalized value.
    /// - Parameter owner: where the value's key was written; missing fields inside a mapping
    ///   are reported there, since a missing field has no location of its own.
    public mutating func validate(_ value: YAMLValue, as type: FieldType, path: String,
                                  owner: SourceLocation) -> YAMLValue {
        switch type {
        case .any:
            return value
        case .text(let format):
            guard value.isScalar, !value.isNull, let text = value.text else {
                return mismatch(value, expected: type, path: path)
            }
            if let format, !format.accepts(text) {
                report(format.violation(text), path: path, at: value.location)
            }
            var normalized = value
            normalized.kind = .string(text)
            return normalized
        case .number:
            guard let number = value.number else { return mismatch(value, expected: type, path: path) }
            if !number.isFinite {
                // `.nan` would pass every bound it is compared with, `.inf` or 1e400 most of them.
                report("\(value.text ?? "\(number)") is not a finite number", path: path, at: value.location)
            }
            return value
        case .integer:
            guard case .int = value.kind else { return mismatch(value, expected: type, path: path) }
            return value
        case .boolean:
            guard case .bool = value.kind else { return mismatch(value, expected: type, path: path) }
            return value
        case .scalar:
            if !value.isScalar || value.isNull { return mismatch(value, expected: type, path: path) }
            return value
        case .oneOf(let words):
            guard value.isScalar, !value.isNull, let text = value.text else {
                return mismatch(value, expected: type, path: path)
            }
            if !words.contains(text) {
                let hint = DidYouMean.hint(for: text, among: words)
                report("'\(text)' must be one of \(words.joined(separator: ", "))\(hint)", path: path, at: value.location)
            }
            var normalized = value
            normalized.kind = .string(text)
            return normalized
        case .list(let element, let minItems):
            guard let items = value.list else { return mismatch(value, expected: type, path: path) }
            if items.count < minItems {
                report("needs at least \(minItems) item\(minItems == 1 ? "" : "s"), found \(items.count)",
                       path: path, at: value.location)
            }
            let normalized = items.enumerated().map { index, item in
                validate(item, as: element, path: "\(path)[\(index)]", owner: item.location)
            }
            return YAMLValue(.list(normalized), at: value.location)
        case .dictionary(let element):
            guard let map = value.map else { return mismatch(value, expected: type, path: path) }
            let entries = map.entries.map { entry in
                YAMLMap.Entry(key: entry.key, keyLocation: entry.keyLocation,
                              value: validate(entry.value, as: element, path: "\(path).\(entry.key)",
                                              owner: entry.keyLocation))
            }
            return YAMLValue(.map(YAMLMap(entries)), at: value.location)
        case .object(let schema):
            guard let map = value.map else { return mismatch(value, expected: type, path: path) }
            return validate(map, at: value.location, as: schema, path: path, owner: owner)
        case .textOrObject(let format, let schema):
            if let map = value.map { return validate(map, at: value.location, as: schema, path: path, owner: owner) }
            guard value.isScalar, !value.isNull, value.text != nil else { return mismatch(value, expected: type, path: path) }
            return validate(value, as: .text(format), path: path, owner: owner)
        }
    }

    /// Validates a mapping against an object schema: unknown keys, missing required
    /// fields (reported at `owner`), and every known field's type.
    public mutating func validate(_ map: YAMLMap, at location: SourceLocation, as schema: ObjectSchema,
                                  path: String, owner: SourceLocation) -> YAMLValue {
        let known = schema.fields.map(\.name)
        // The normalized documents are kept for the whole run: sized exactly, not by doubling
        // (a 5-entry mapping would otherwise keep room for 8 — a third of a full check's heap).
        var entries: [YAMLMap.Entry] = []
        entries.reserveCapacity(map.entries.count)
        for entry in map.entries {
            let childPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            guard let field = schema[entry.key] else {
                let hint = DidYouMean.hint(for: entry.key, among: known)
                diagnostics.append(Diagnostic(.schema, "unknown key '\(entry.key)' in \(path.isEmpty ? "the document" : path)\(hint)",
                                              at: entry.keyLocation))
                continue
            }
            if entry.value.isNull, !field.required, field.emptyMeansAbsent {
                continue  // `key:` with nothing after it: treated as absent
            }
            if entry.value.isNull, !field.required {
                diagnostics.append(Diagnostic(.schema, "'\(entry.key)' in \(path.isEmpty ? "the document" : path) is empty: write a value or remove the key",
                                              at: entry.keyLocation))
                continue
            }
            if entry.value.isNull {
                diagnostics.append(Diagnostic(.schema, "missing required field '\(entry.key)' in \(path.isEmpty ? "the document" : path) (the value is empty)",
                                              at: entry.keyLocation))
                continue
            }
            let normalized = validate(entry.value, as: field.type, path: childPath, owner: entry.keyLocation)
            entries.append(YAMLMap.Entry(key: entry.key, keyLocation: entry.keyLocation, value: normalized))
        }
        for field in schema.fields where field.required && map[field.name] == nil {
            diagnostics.append(Diagnostic(.schema, "missing required field '\(field.name)' in \(path.isEmpty ? "the document" : path)",
                                          at: owner))
        }
        return YAMLValue(.map(YAMLMap(entries)), at: location)
    }

    private mutating func mismatch(_ value: YAMLValue, expected type: FieldType, path: String) -> YAMLValue {
        let found: String
        if value.isScalar, let text = value.text, !value.isNull {
            found = "\(value.typeDescription) ('\(text.count > 40 ? String(text.prefix(40)) + "…" : text)')"
        } else {
            found = value.typeDescription
        }
        report("expected \(type.expectation), found \(found)", path: path, at: value.location)
        return value
    }

    private mutating func report(_ message: String, path: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.schema, "\(path): \(message)", at: location))
    }
}
