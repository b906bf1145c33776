internal import Crypto

/// The bundle digest of a promotion request (SPEC §1): SHA-256 over the canonical JSON of
/// the request's, its run manifest's and its model card's documents, in that order, as a
/// JSON array. An approval names the digest it reviewed, so any change of content in the
/// bundle makes earlier approvals stale.
public struct BundleDigest: Hashable, Sendable, CustomStringConvertible {
    /// `sha256:<64 hex>`.
    public let value: String

    public init(request: Document, run: Document, card: Document) {
        let payload = "[" + [request, run, card].map { CanonicalJSON.encode($0.root) }.joined(separator: ",") + "]"
        let hash = SHA256.hash(data: Array(payload.utf8))
        value = "sha256:" + hash.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public var description: String { value }
}
