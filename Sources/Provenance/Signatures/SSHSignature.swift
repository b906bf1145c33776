import Crypto

/// An OpenSSH signature (`ssh-keygen -Y sign`), laid out as in OpenSSH's PROTOCOL.sshsig:
///
/// ```
/// -----BEGIN SSH SIGNATURE-----
/// base64 of: "SSHSIG" uint32 version(1) string publickey string namespace
///            string reserved string hash_algorithm string signature
/// -----END SSH SIGNATURE-----
/// ```
///
/// Parsing follows OpenSSH's `sshsig_dearmor` and `sshsig_wrap_verify`: the text must start
/// with the begin line, ends at the first `\n-----END SSH SIGNATURE-----`, and the blob may not
/// hold trailing bytes.
struct SSHSignature {
    static let beginLine = "-----BEGIN SSH SIGNATURE-----"
    static let endLine = "-----END SSH SIGNATURE-----"
    static let magic = Array("SSHSIG".utf8)

    /// The key that made the signature (not yet checked against anything).
    var publicKey: SSHPublicKey
    /// The namespace the signer chose (`git` for commits), raw bytes as stored.
    var namespace: [UInt8]
    /// `sha256` or `sha512` for signatures OpenSSH makes; anything else is refused on verification.
    var hashAlgorithm: String
    /// The inner signature blob: `string algorithm`, `string signature bytes` (and more for some
    /// key types).
    var signature: [UInt8]

    /// Parses the armored text found in a commit's `gpgsig` header.
    init(armored text: String) throws(SSHFormatError) {
        try self.init(blob: SSHSignature.dearmor(text))
    }

    /// Parses the binary signature blob.
    init(blob: [UInt8]) throws(SSHFormatError) {
        var reader = SSHWireReader(blob)
        let magic = try reader.readBytes(SSHSignature.magic.count, "the SSHSIG magic")
        guard magic == SSHSignature.magic else {
            throw SSHFormatError("the blob does not start with SSHSIG")
        }
        let version = try reader.readUInt32("the version")
        // OpenSSH (sshsig_parse_preamble) accepts any version up to 1; the version is not
        // covered by the signature, so accepting 0 as it does changes nothing about who signed.
        guard version <= 1 else {
            throw SSHFormatError("unsupported SSHSIG version \(version) (1 is the latest)")
        }
        let keyBlob = try reader.readString("the public key")
        guard let key = SSHPublicKey(wireFormat: keyBlob) else {
            throw SSHFormatError("the public key inside the signature is malformed")
        }
        self.publicKey = key
        self.namespace = try reader.readString("the namespace")
        _ = try reader.readString("the reserved field")
        self.hashAlgorithm = try reader.readName("the hash algorithm")
        self.signature = try reader.readString("the signature")
        try reader.expectEnd("the SSH signature")
    }

    /// Removes the armor and decodes the base64 between the begin line and the first end line.
    static func dearmor(_ text: String) throws(SSHFormatError) -> [UInt8] {
        // Bytes, not Characters: String comparison would treat "\r\n" as one character and
        // apply Unicode equivalence, where OpenSSH compares bytes.
        let bytes = Array(text.utf8)
        let begin = Array((beginLine + "\n").utf8)
        guard bytes.starts(with: begin) else {
            throw SSHFormatError("the armor does not start with '\(beginLine)' on a line of its own")
        }
        let body = bytes[begin.count...]
        let end = Array(("\n" + endLine).utf8)
        guard let endIndex = body.firstRange(of: end)?.lowerBound else {
            throw SSHFormatError("the armor has no '\(endLine)' line")
        }
        guard let blob = SSHBase64.decode(bytes: body[..<endIndex]) else {
            throw SSHFormatError("the armored signature is not valid base64")
        }
        return blob
    }

    /// The bytes the key signs (PROTOCOL.sshsig): `"SSHSIG" string namespace string reserved(empty)
    /// string hash_algorithm string H(message)`; `nil` when the hash algorithm is not sha256 or
    /// sha512. The reserved field is always signed empty, whatever the blob holds, as in OpenSSH.
    func signedData(for message: [UInt8]) -> [UInt8]? {
        let digest: [UInt8]
        switch hashAlgorithm {
        case "sha256": digest = Array(SHA256.hash(data: message))
        case "sha512": digest = Array(SHA512.hash(data: message))
        default: return nil
        }
        var writer = SSHWireWriter()
        writer.appendRaw(SSHSignature.magic)
        writer.appendString(namespace)
        writer.appendString([UInt8]())
        writer.appendString(hashAlgorithm)
        writer.appendString(digest)
        return writer.bytes
    }
}
