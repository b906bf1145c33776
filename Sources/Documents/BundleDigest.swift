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
        var payload: [UInt8] = [UInt8(ascii: "[")]
        for (index, document) in documents.enumerated() {
            if index > 0 { payload.append(UInt8(ascii: ",")) }
            CanonicalJSON.write(document.root, to: &payload)
        }
        payload.append(UInt8(ascii: "]"))
        value = "sha256:" + ContentHash.sha256Hex(payload)
    }

    public var description: String { value }
}
