import Crypto
import Foundation

/// An unencrypted OpenSSH ed25519 private key file, as `ssh-keygen -t ed25519 -N ''` writes it
/// (PROTOCOL.key: `-----BEGIN OPENSSH PRIVATE KEY-----`, the `openssh-key-v1` format), parsed
/// by Tollgate itself. Only what `policy attest` needs: one ed25519 key, cipher `none`.
/// An encrypted key is refused with a reason (no passphrase prompt, no agent).
public struct OpenSSHPrivateKey {
    let signingKey: Curve25519.Signing.PrivateKey
    public let publicKey: SSHPublicKey
    public let comment: String

    static let armorBegin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    static let armorEnd = "-----END OPENSSH PRIVATE KEY-----"
    static let magic = Array("openssh-key-v1".utf8) + [0]

    /// Why a key file cannot be used; `reason` is shown to the user.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// Parses the text of a private key file.
    public init(fileText text: String) throws(Problem) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: Self.armorBegin),
              let end = lines[begin...].firstIndex(of: Self.armorEnd)
        else {
            if lines.contains(where: { $0.hasPrefix("-----BEGIN") && $0.contains("PRIVATE KEY") }) {
                throw Problem("it is not in the OpenSSH format (a PEM or PKCS#8 key?); write an ed25519 key with `ssh-keygen -t ed25519`")
            }
            if lines.first?.hasPrefix("ssh-") == true {
                throw Problem("it is a public key; give the private key file (without .pub)")
            }
            throw Problem("it is not an OpenSSH private key (no '\(Self.armorBegin)' line)")
        }
        guard let blob = SSHBase64.decode(lines[(begin + 1)..<end].joined()) else {
            throw Problem("the key's base64 is malformed")
        }
        do {
            try self.init(blob: blob)
        } catch {
            throw Problem(parsing: error)
        }
    }

    init(blob: [UInt8]) throws(SSHFormatError) {
        guard blob.starts(with: Self.magic) else {
            throw SSHFormatError("it does not start with 'openssh-key-v1'")
        }
        var reader = SSHWireReader(Array(blob.dropFirst(Self.magic.count)))
        let cipher = try reader.readName("the cipher name")
        let kdf = try reader.readName("the KDF name")
        _ = try reader.readString("the KDF options")
        guard cipher == "none", kdf == "none" else {
            // Not a format error: said as it is, without "malformed".
            throw SSHFormatError(Self.encryptedMarker + cipher)
        }
        let count = try reader.readUInt32("the number of keys")
        guard count == 1 else { throw SSHFormatError("it holds \(count) keys; one is expected") }
        let publicBlob = try reader.readString("the public key")
        let privateSection = try reader.readString("the private section")
        try reader.expectEnd("the key file")
        guard let publicKey = SSHPublicKey(wireFormat: publicBlob) else {
            throw SSHFormatError("its public key is malformed")
        }
        guard publicKey.algorithm == "ssh-ed25519" else {
            throw SSHFormatError("\(Self.unsupportedMarker)\(publicKey.algorithm)")
        }
        var section = SSHWireReader(privateSection)
        let check1 = try section.readUInt32("the first check number")
        let check2 = try section.readUInt32("the second check number")
        guard check1 == check2 else { throw SSHFormatError("its check numbers differ (a wrong passphrase or a damaged file)") }
        let type = try section.readName("the private key type")
        guard type == "ssh-ed25519" else { throw SSHFormatError("\(Self.unsupportedMarker)\(type)") }
        let embeddedPublic = try section.readString("the embedded public key")
        let secret = try section.readString("the private key")
        let commentBytes = try section.readString("the comment")
        // Padding: 1, 2, 3, … up to the cipher's block size.
        let padding = try section.readBytes(section.remaining, "the padding")
        guard padding.count < 256, padding.enumerated().allSatisfy({ $0.element == UInt8(truncatingIfNeeded: $0.offset + 1) }) else {
            throw SSHFormatError("its padding is malformed")
        }
        guard embeddedPublic.count == 32, secret.count == 64, Array(secret[32...]) == embeddedPublic,
              case .ed25519(let publicBytes) = publicKey.material, publicBytes == embeddedPublic
        else {
            throw SSHFormatError("its private part does not belong to its public key")
        }
        let key: Curve25519.Signing.PrivateKey
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: secret[0..<32])
        } catch {
            throw SSHFormatError("its ed25519 seed is not usable")
        }
        guard Array(key.publicKey.rawRepresentation) == embeddedPublic else {
            throw SSHFormatError("its private part does not belong to its public key")
        }
        self.signingKey = key
        self.publicKey = publicKey
        self.comment = String(decoding: commentBytes, as: UTF8.self)
    }

    static let encryptedMarker = "\u{1}encrypted:"
    static let unsupportedMarker = "\u{1}unsupported:"
}

extension OpenSSHPrivateKey.Problem {
    /// Turns the parser's markers into the user's words.
    init(parsing error: SSHFormatError) {
        if error.reason.hasPrefix(OpenSSHPrivateKey.encryptedMarker) {
            let cipher = error.reason.dropFirst(OpenSSHPrivateKey.encryptedMarker.count)
            self.init("the key is encrypted (cipher \(cipher)); Tollgate reads only unencrypted keys: decrypt it first "
                + "(`ssh-keygen -p -N '' -f KEY` on a copy kept where CI keeps its secrets) or use ssh-agent to sign elsewhere")
        } else if error.reason.hasPrefix(OpenSSHPrivateKey.unsupportedMarker) {
            let type = error.reason.dropFirst(OpenSSHPrivateKey.unsupportedMarker.count)
            self.init("the key is \(type); attestations are signed with ed25519 keys only (`ssh-keygen -t ed25519`)")
        } else {
            self.init("the key is malformed: \(error.reason)")
        }
    }
}
