/// The bundle digest of a promotion request (SPEC §1): SHA-256 over the canonical JSON of
/// the request's, its run manifest's and its model card's documents, in that order, as a
/// JSON array. An approval names the digest it reviewed, so any change of content in the
/// bundle makes earlier approvals stale.
public struct BundleDigest: Hashable, Sendable, CustomStringConvertible {
    /// `sha256:<64 hex>`.
    public let value: String

    public init(request: Document, run: Document, card: Document) {
        self.init(documents: [request, run, card])
    }

    /// The digest of any bundle: SHA-256 over the canonical JSON array of the documents.
    /// A Waiver's bundle is the waiver alone.
    public init(documents: [Document]) {
        let payload = "[" + documents.map { CanonicalJSON.encode($0.root) }.joined(separator: ",") + "]"
        value = "sha256:" + ContentHash.sha256Hex(Array(payload.utf8))
    }

    public var description: String { value }
}
