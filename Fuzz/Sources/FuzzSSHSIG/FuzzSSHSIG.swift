import Foundation
import GitKit
import Provenance
import LibFuzzerDriver

/// A fixed commit whose signature is the input, verified as `policy check` verifies an
/// approval's commit: `CommitSignatureVerifier.verify` (armor, SSHSIG blob, the key inside,
/// namespace, hash, the inner signature and the swift-crypto verification) and `signingKey(of:)`
/// for the audit trail. An input starting with `-----BEGIN` is the armored text as it stands in
/// the `gpgsig` header; any other input is the binary SSHSIG blob, armored here, so that
/// mutations reach the blob's fields instead of breaking the base64. The input is also read as
/// a Team's `signingKeys` entry (an OpenSSH public key line). Any status is a correct answer;
/// only a crash, a hang or a memory blow-up is a finding.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    var commit = unsignedCommit
    commit.signature = bytes.starts(with: Array("-----BEGIN".utf8)) ? text : armored(bytes)
    let signer = CommitSignatureVerifier.signingKey(of: commit)
    _ = CommitSignatureVerifier.verify(commit, allowedKeys: signer.map { [$0] } ?? [])
    _ = SSHPublicKey(openSSH: text)
    return 0
}

/// The commit the seeds in Fuzz/Corpus/FuzzSSHSIG sign (Fuzz/make-seeds signs these bytes).
let unsignedCommit = try! RawCommit(parsing: Array("""
    tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
    author Ada Lovelace <ada@example.com> 1732000000 +0100
    committer Grace Hopper <grace@example.com> 1732000000 +0100

    Approve model churn-v3

    """.utf8))

/// `ssh-keygen -Y sign` armor: base64 in lines of 70 characters.
func armored(_ blob: [UInt8]) -> String {
    let base64 = Array(Data(blob).base64EncodedString().utf8)
    let lines = stride(from: 0, to: base64.count, by: 70).map {
        String(decoding: base64[$0..<min($0 + 70, base64.count)], as: UTF8.self)
    }
    return (["-----BEGIN SSH SIGNATURE-----"] + lines + ["-----END SSH SIGNATURE-----"]).joined(separator: "\n")
}
