internal import Crypto

/// SHA-256 of bytes, as lower-case hex: artifact checksums.
public enum ContentHash {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// MD5 of bytes, as lower-case hex: what DVC records for the files it tracks. Only ever
    /// compared with a DVC pointer; never used to trust a file stored in git.
    public static func md5Hex(_ bytes: [UInt8]) -> String {
        hex(Insecure.MD5.hash(data: bytes))
    }

    /// SHA-256 and MD5 of a stream read in pieces (an artifact downloaded to a file).
    public struct Streaming {
        private var sha256 = SHA256()
        private var md5 = Insecure.MD5()
        public private(set) var count = 0

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            sha256.update(bufferPointer: bytes)
            md5.update(bufferPointer: bytes)
            count += bytes.count
        }

        public func finalize() -> (sha256: String, md5: String, size: Int) {
            (ContentHash.hex(sha256.finalize()), ContentHash.hex(md5.finalize()), count)
        }
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
