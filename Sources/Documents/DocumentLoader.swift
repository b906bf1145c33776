/// Reads one file: YAML, then the envelope, then the kind's schema.
///
/// Files that are not Tollgate documents (no `apiVersion: tollgate/v1`) are ignored, unless
/// they are near misses (see `nearMiss`: an apiVersion like `tolgate/v1`, or a Tollgate
/// kind without it), which are unreadable with an error. A file that claims `tollgate/v1`
/// but is malformed yields error diagnostics, never a crash and never silence. A YAML file
/// that cannot be parsed at all is an error when its text resembles a Tollgate document
/// (`resemblesDocument`, on the text decoded from UTF-16 or UTF-32 too) and a warning
/// otherwise (it may be a Tollgate document we could not read, so it is not passed over
/// in silence). UTF-16 and UTF-32 files are read like their UTF-8 form (`YAMLEncoding`).
public enum DocumentLoader {
    public enum Reading: Sendable {
        /// Not a Tollgate document; ignored.
        case notTollgate
        /// A document, with the problems found in it (it may still be evaluated).
        case document(Document, [Diagnostic])
        /// A file that claims to be a Tollgate document but cannot be read as one.
        case unreadable([Diagnostic])
    }

    public static func read(_ bytes: [UInt8], path: String, limits: YAMLLimits = .default) -> Reading {
        let values: [YAMLValue]
        do {
            values = try YAMLLoader.load(bytes, file: path, limits: limits)
        } catch {
            // The file's text as well as it can be had (UTF-16 or UTF-32 decoded, NULs dropped):
            // a file that resembles a Tollgate document and cannot be read fails closed.
            // The envelope is at the top: the text scans read the first 64 KiB (a 100 MB file
            // is refused for its size in no time, and must not be decoded whole here).
            let text = YAMLEncoding.lenientText(Array(bytes.prefix(1 << 16)))
            let claims = resemblesDocument(text) || mentionsTollgateVersion(bytes)
            let message = claims
                ? error.message
                : "\(error.message) (this file could not be read; if it is a Tollgate document it was not checked)"
            let declared = declaredDocument(in: text, path: path).map { [Diagnostic.declaresNote($0.0, at: $0.1)] } ?? []
            return .unreadable([Diagnostic(.yaml, message, at: error.location,
                                           severity: claims ? .error : .warning, notes: declared)])
        }
        let ours = values.filter(claimsTollgate)
        guard let first = ours.first else {
            let nearMisses = values.compactMap { nearMiss($0, path: path) }
            return nearMisses.isEmpty ? .notTollgate : .unreadable(nearMisses)
        }
        var diagnostics: [Diagnostic] = []
        if values.count > 1 {
            let second = values[1]
            diagnostics.append(Diagnostic(.envelope,
                "a Tollgate file holds exactly one document; this one holds \(values.count) (split them into separate files)",
                at: second.location))
        }
        switch envelope(first, path: path) {
        case .failure(let failure):
            return .unreadable(diagnostics + failure.diagnostics)
        case .success(let (document, problems)):
            return .document(document, diagnostics + problems)
        }
    }

    /// Whether a parsed YAML document claims to be a Tollgate document.
    static func claimsTollgate(_ value: YAMLValue) -> Bool {
        guard let apiVersion = value["apiVersion"]?.text else { return false }
        return apiVersion.hasPrefix("tollgate/")
    }

    /// Whether the bytes anywhere mention `tollgate/v` (as UTF-8 or ASCII).
    static func mentionsTollgateVersion(_ bytes: [UInt8]) -> Bool {
        let needle = Array("tollgate/v".utf8)
        guard bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start <= buffer.count - needle.count {
                if buffer[start] == needle[0] {
                    var offset = 1
                    while offset < needle.count && buffer[start + offset] == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }

    static let envelopeKeys = ["apiVersion", "kind", "metadata", "spec"]
    static let metadataSchema = ObjectSchema([
        FieldSchema("name", .text(.name), "unique within its kind"),
        .optional("labels", .dictionary(.text()), "string → string"),
        .optional("annotations", .dictionary(.text()), "string → string, free-form"),
    ])

    private static func envelope(_ value: YAMLValue, path: String)
        -> Result<(Document, [Diagnostic]), EnvelopeFailure> {
        var problems: [Diagnostic] = []
        let start = SourceLocation.start(of: path)
        guard let root = value.map else {
            return .failure(EnvelopeFailure([Diagnostic(.envelope, "a Tollgate document must be a mapping", at: value.location)]))
        }
        guard let apiVersion = root.entry("apiVersion") else {
            return .failure(EnvelopeFailure([Diagnostic(.envelope, "missing required field 'apiVersion'", at: start)]))
        }
        if apiVersion.value.text != DocumentKind.apiVersion {
            problems.append(Diagnostic(.envelope,
                "unsupported apiVersion '\(apiVersion.value.text ?? "")': this Tollgate reads \(DocumentKind.apiVersion) — \(didYouMean)",
                at: apiVersion.value.location))
            return .failure(EnvelopeFailure(problems))
        }
        for entry in root.entries where !envelopeKeys.contains(entry.key) {
            problems.append(Diagnostic(.envelope,
                "unknown key '\(entry.key)' in the document\(DidYouMean.hint(for: entry.key, among: envelopeKeys))",
                at: entry.keyLocation))
        }
        guard let kindEntry = root.entry("kind") else {
            problems.append(Diagnostic(.envelope, "missing required field 'kind' in the document (one of \(kindList))", at: start))
            return .failure(EnvelopeFailure(problems))
        }
        guard let kindText = kindEntry.value.string, let kind = DocumentKind(rawValue: kindText) else {
            let written = kindEntry.value.text ?? kindEntry.value.typeDescription
            problems.append(Diagnostic(.envelope,
                "unknown kind '\(written)'\(DidYouMean.hint(for: written, among: DocumentKind.allCases.map(\.rawValue))); kinds are \(kindList)",
                at: kindEntry.value.location))
            return .failure(EnvelopeFailure(problems))
        }
        guard let metadataEntry = root.entry("metadata") else {
            problems.append(Diagnostic(.envelope, "missing required field 'metadata' in the document", at: kindEntry.keyLocation))
            return .failure(EnvelopeFailure(problems))
        }
        var validator = SchemaValidator()
        let metadata = validator.validate(metadataEntry.value, as: .object(metadataSchema), path: "metadata",
                                          owner: metadataEntry.keyLocation)
        let nameValue = metadata["name"]
        guard let name = nameValue?.string, TextFormat.name.accepts(name) else {
            problems.append(contentsOf: validator.diagnostics.map { var d = $0; d.code = .envelope; return d })
            return .failure(EnvelopeFailure(problems))
        }
        var labels: [String: String] = [:]
        for entry in metadata["labels"]?.map?.entries ?? [] {
            labels[entry.key] = entry.value.string
        }
        var spec: YAMLMap.Entry?
        if let specEntry = root.entry("spec") {
            let normalized = validator.validate(specEntry.value, as: .object(kind.specSchema), path: "spec",
                                                owner: specEntry.keyLocation)
            spec = YAMLMap.Entry(key: "spec", keyLocation: specEntry.keyLocation, value: normalized)
        } else {
            problems.append(Diagnostic(.schema, "missing required field 'spec' in the document", at: start))
        }
        problems.append(contentsOf: validator.diagnostics)
        var entries = [
            YAMLMap.Entry(key: "apiVersion", keyLocation: apiVersion.keyLocation, value: apiVersion.value),
            YAMLMap.Entry(key: "kind", keyLocation: kindEntry.keyLocation,
                          value: YAMLValue(.string(kind.rawValue), at: kindEntry.value.location, text: kind.rawValue)),
            YAMLMap.Entry(key: "metadata", keyLocation: metadataEntry.keyLocation, value: metadata),
        ]
        if let spec { entries.append(spec) }
        let document = Document(kind: kind, name: name, labels: labels, file: path,
                                root: YAMLValue(.map(YAMLMap(entries)), at: value.location),
                                nameLocation: nameValue?.location ?? start)
        return .success((document, problems))
    }

    static var kindList: String { DocumentKind.allCases.map(\.rawValue).joined(separator: ", ") }
}

struct EnvelopeFailure: Error {
    var diagnostics: [Diagnostic]
    init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
