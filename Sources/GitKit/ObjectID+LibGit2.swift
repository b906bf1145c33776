internal import CLibGit2

extension ObjectID {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Formats libgit2's 20 raw bytes as 40 lowercase hex characters.
    init(_ oid: git_oid) {
        var raw = oid.id
        let hex = withUnsafeBytes(of: &raw) { bytes -> String in
            var characters: [UInt8] = []
            characters.reserveCapacity(bytes.count * 2)
            for byte in bytes {
                characters.append(ObjectID.hexDigits[Int(byte >> 4)])
                characters.append(ObjectID.hexDigits[Int(byte & 0x0f)])
            }
            return String(decoding: characters, as: UTF8.self)
        }
        self.init(validatedHex: hex)
    }

    /// Reads a libgit2 id through a borrowed pointer; `nil` stays `nil`.
    init?(_ pointer: UnsafePointer<git_oid>?) {
        guard let pointer else { return nil }
        self.init(pointer.pointee)
    }

    /// The id in libgit2's binary form.
    var gitOID: git_oid {
        var oid = git_oid()
        let bytes = Array(hex.utf8)
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for index in 0..<raw.count {
                raw[index] = ObjectID.nibble(bytes[2 * index]) << 4 | ObjectID.nibble(bytes[2 * index + 1])
            }
        }
        return oid
    }

    private static func nibble(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return 0  // unreachable: `hex` is validated lowercase on construction
        }
    }
}
