/// The bundle digest of a promotion request (SPEC §1): SHA-256 over the canonical JSON of
/// the request's, its run manifest's and its model card's documents, in that order, then of
/// every other document the request's rules read through a link (a named baseline, the run's
/// teacher; `DocumentGraph.bundle`), as a JSON array. A request without those has the digest
/// of SPEC §1 exactly. An approval names the digest it reviewed, so any change of content in
/// the bundle makes earlier approvals stale. A request's lifecycle fields
/// (`DocumentGraph.lifecycleFields`: recording that it was released is not a change of what
/// was approved) are left out.
public struct BundleDigest: Hashable, Sendable, CustomStringConvertible {
    /// `sha256:<64 hex>`.
    public let value: String

    public init(request: Document, run: Document, card: Document) {
        self.init(documents: [request, run, card])
    }

    /// The digest of any bundle: SHA-256 over the canonical JSON array of the documents.
    /// A Waiver's bundle is the waiver alone.
    public init(documents: [Document]) {
        var payload: [UInt8] = [UInt8(ascii: "[")]
        for (index, document) in documents.enumerated() {
            if index > 0 { payload.append(UInt8(ascii: ",")) }
            CanonicalJSON.write(BundleDigest.reviewedContent(of: document), to: &payload)
        }
        payload.append(UInt8(ascii: "]"))
        value = "sha256:" + ContentHash.sha256Hex(payload)
    }

    public var description: String { value }

    /// The document as an approver reviews it: a request without its lifecycle fields.
    static func reviewedContent(of document: Document) -> YAMLValue {
        guard document.kind == .promotionRequest, case .map(var root) = document.root.kind,
              let specIndex = root.entries.firstIndex(where: { $0.key == "spec" }),
              case .map(var spec) = root.entries[specIndex].value.kind,
              spec.entries.contains(where: { DocumentGraph.lifecycleFields.contains($0.key) }) else { return document.root }
        spec.entries.removeAll { DocumentGraph.lifecycleFields.contains($0.key) }
        root.entries[specIndex].value.kind = .map(spec)
        var copy = document.root
        copy.kind = .map(root)
        return copy
    }
}
