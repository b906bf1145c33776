import Crypto
import Foundation

/// An SSH public key, as written in `~/.ssh/id_ed25519.pub` or a Team's `signingKeys`.
///
/// Two keys are equal when their wire formats are byte-for-byte equal; the comment of the
/// OpenSSH line is not part of the key. Keys of algorithms Tollgate cannot verify
/// (`sk-ssh-ed25519@openssh.com`, `ecdsa-sha2-nistp384`, …) still parse, so that they can be
/// named in messages; only their signatures are refused.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The key type from the wire format: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …
    public let algorithm: String
    /// The key blob (RFC 4253 §6.6), the bytes the base64 of an OpenSSH line encodes.
    public let wireFormat: [UInt8]

    /// Parses an OpenSSH public key line, `ssh-ed25519 AAAAC3Nza… comment`; the comment is
    /// optional. Returns `nil` unless the base64 decodes to a well-formed key blob of the type
    /// named by the first field.
    public init?(openSSH line: String) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline })
        guard fields.count >= 2,
              let wire = SSHBase64.decode(fields[1]),
              let key = SSHPublicKey(wireFormat: wire),
              key.algorithm == fields[0]
        else { return nil }
        self = key
    }

    /// Parses a key blob. Returns `nil` unless it starts with a key type name and, for the key
    /// types Tollgate verifies, holds exactly the fields of that type (a valid P-256 point, an
    /// RSA modulus of at most 16384 bits).
    public init?(wireFormat: [UInt8]) {
        guard let material = try? KeyMaterial(wireFormat: wireFormat) else { return nil }
        self.algorithm = material.algorithm
        self.wireFormat = wireFormat
    }

    /// The SHA-256 fingerprint exactly as `ssh-keygen -lf` prints it: `SHA256:` followed by the
    /// unpadded base64 of the SHA-256 of the wire format.
    public var fingerprint: String {
        "SHA256:" + SSHBase64.encode(Array(SHA256.hash(data: wireFormat)), padded: false)
    }

    /// The key as an OpenSSH line without comment: `ssh-ed25519 AAAAC3Nza…`.
    public var openSSHLine: String {
        algorithm + " " + SSHBase64.encode(wireFormat)
    }

    /// The algorithm and fingerprint, e.g. `ssh-ed25519 SHA256:jEfw…`.
    public var description: String {
        algorithm + " " + fingerprint
    }

    /// The fields of the key, parsed again from `wireFormat` (which `init` already validated).
    var material: KeyMaterial {
        (try? KeyMaterial(wireFormat: wireFormat)) ?? .other(algorithm: algorithm)
    }
}

/// The fields of a public key blob, for the key types Tollgate can verify.
enum KeyMaterial {
    /// The 32-byte Ed25519 public key.
    case ed25519([UInt8])
    /// The 65-byte uncompressed P-256 point (`0x04 || x || y`).
    case p256(P256.Signing.PublicKey)
    /// RSA exponent and modulus, big-endian magnitudes without leading zeros.
    case rsa(e: [UInt8], n: [UInt8])
    /// A key type whose signatures Tollgate does not verify.
    case other(algorithm: String)

    init(wireFormat: [UInt8]) throws(SSHFormatError) {
        var reader = SSHWireReader(wireFormat)
        let algorithm = try reader.readName("the key type")
        guard !algorithm.isEmpty, algorithm.utf8.count <= 64 else {
            throw SSHFormatError("the key type is empty or too long")
        }
        switch algorithm {
        case "ssh-ed25519":
            let key = try reader.readString("the Ed25519 key")
            guard key.count == 32 else {
                throw SSHFormatError("the Ed25519 key has \(key.count) bytes instead of 32")
            }
            self = .ed25519(key)
        case "ecdsa-sha2-nistp256":
            let curve = try reader.readName("the curve name")
            guard curve == "nistp256" else {
                throw SSHFormatError("the curve '\(curve)' does not match the key type ecdsa-sha2-nistp256")
            }
            let point = try reader.readString("the P-256 point")
            guard point.count == 65, point.first == 0x04,
                  let key = try? P256.Signing.PublicKey(x963Representation: point)
            else {
                throw SSHFormatError("the P-256 point is not an uncompressed point on the curve")
            }
            self = .p256(key)
        case "ssh-rsa":
            let e = try reader.readMPInt("the RSA exponent")
            let n = try reader.readMPInt("the RSA modulus")
            guard !e.isEmpty, !n.isEmpty else {
                throw SSHFormatError("the RSA key has a zero exponent or modulus")
            }
            self = .rsa(e: e, n: n)
        default:
            // Other key types keep their own layout; only the type name is read.
            self = .other(algorithm: algorithm)
            return
        }
        try reader.expectEnd("the \(algorithm) key")
    }

    var algorithm: String {
        switch self {
        case .ed25519: return "ssh-ed25519"
        case .p256: return "ecdsa-sha2-nistp256"
        case .rsa: return "ssh-rsa"
        case .other(let algorithm): return algorithm
        }
    }
}

extension KeyMaterial {
    /// The number of significant bits of an RSA modulus.
    static func bitCount(of magnitude: [UInt8]) -> Int {
        guard let first = magnitude.first else { return 0 }
        return (magnitude.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
