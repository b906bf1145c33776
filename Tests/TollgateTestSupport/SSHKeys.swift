import Foundation

/// A key pair made by the real `ssh-keygen`, without passphrase.
public struct SSHKey: Sendable {
    public var name: String
    public var privatePath: String
    public var publicPath: String
    /// The `.pub` file's content: `algorithm base64 comment`.
    public var publicLine: String
}

extension ScratchRepository {
    /// `ssh-keygen -t <type> [-b bits]` into `keysDirectory/<name>`; `nil` when this ssh-keygen
    /// refuses the key (a size it no longer makes, say).
    public func makeKeyIfSupported(_ name: String, type: String, bits: Int? = nil,
                                   comment: String? = nil) throws -> SSHKey? {
        try generateKey(name, type: type, bits: bits, comment: comment).key
    }

    /// `ssh-keygen -t <type> [-b bits]` into `keysDirectory/<name>`; throws when it fails.
    public func makeKey(_ name: String, type: String, bits: Int? = nil, comment: String? = nil) throws -> SSHKey {
        let (key, output) = try generateKey(name, type: type, bits: bits, comment: comment)
        guard let key else { throw TestSupportError("ssh-keygen -t \(type) for \(name) failed: \(output.stderr)") }
        return key
    }

    private func generateKey(_ name: String, type: String, bits: Int?,
                             comment: String?) throws -> (key: SSHKey?, output: ProcessOutput) {
        try FileManager.default.createDirectory(at: keysDirectory, withIntermediateDirectories: true)
        let path = keysDirectory.appendingPathComponent(name).path
        var arguments = ["-q", "-t", type, "-N", "", "-C", comment ?? name, "-f", path]
        if let bits { arguments += ["-b", String(bits)] }
        let output = try run("/usr/bin/ssh-keygen", arguments)
        guard output.status == 0 else { return (nil, output) }
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (SSHKey(name: name, privatePath: path, publicPath: path + ".pub", publicLine: line), output)
    }

    /// `ssh-keygen -Y sign -n <namespace>` over `message`: the armored signature, without the
    /// final newline.
    public func sign(_ message: [UInt8], with key: SSHKey, namespace: String,
                     hashAlgorithm: String? = nil) throws -> String {
        var arguments = ["-Y", "sign", "-n", namespace, "-f", key.privatePath]
        if let hashAlgorithm { arguments += ["-O", "hashalg=" + hashAlgorithm] }
        let output = try run("/usr/bin/ssh-keygen", arguments, stdin: message)
        guard output.status == 0 else { throw TestSupportError("ssh-keygen -Y sign: \(output.stderr)") }
        return output.text
    }
}
