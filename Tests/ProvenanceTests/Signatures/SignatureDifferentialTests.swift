import Foundation
import GitKit
import Provenance
import XCTest

/// Tollgate's signature decision must equal `git verify-commit`'s on every commit: genuine
/// signatures by several key types, and hostile variants written with `git hash-object`.
///
/// The one deliberate difference: OpenSSH accepts RSA keys of 1024 bits, Tollgate refuses keys
/// under 2048 bits. Commits by such a key must be valid for git and invalid for Tollgate, with
/// the reason saying so; they are counted apart.
final class SignatureDifferentialTests: XCTestCase {
    /// What was done to a commit, for the failure messages and the counts.
    private enum Variant: String, CaseIterable {
        case signed = "signed by git"
        case sha256Digest = "signed with hashalg=sha256"
        case sshsigVersionZero = "SSHSIG version 0"
        case tamperedMessage = "message edited after signing"
        case tamperedTree = "tree edited after signing"
        case tamperedAuthor = "author edited after signing"
        case transplanted = "signature from another commit"
        case wrongNamespace = "signed in namespace 'file'"
        case messageOnlySignature = "signature block only in the message"
        case unsigned = "unsigned"
        case truncated = "truncated signature"
        case otherFormatHeader = "signature only in gpgsig-sha256"
        case relabelledRSAAlgorithm = "RSA signature relabelled"
        case relabelledHashAlgorithm = "hash algorithm relabelled"
        case flippedSignatureBit = "signature bit flipped"
        case duplicatedHeader = "second gpgsig header after a good one"
        case pgpArmor = "PGP armor"
        case garbageArmor = "no armor"
    }

    private struct Case {
        var id: String
        var variant: Variant
        /// The key that signed, when one did.
        var signer: SigningSandbox.Key?
    }

    func testTollgateAgreesWithGitVerifyCommitOnEveryCommit() throws {
        let started = Date()
        let sandbox = try SigningSandbox()
        let ed25519 = try XCTUnwrap(sandbox.makeKey("ed25519", type: "ed25519"))
        let ecdsa = try XCTUnwrap(sandbox.makeKey("ecdsa", type: "ecdsa", bits: 256))
        let rsa = try XCTUnwrap(sandbox.makeKey("rsa3072", type: "rsa", bits: 3072))
        let stranger = try XCTUnwrap(sandbox.makeKey("stranger", type: "ed25519"))
        let strangerECDSA = try XCTUnwrap(sandbox.makeKey("stranger-ecdsa", type: "ecdsa", bits: 256))
        // ssh-keygen may refuse 1024-bit RSA keys some day; then that part is skipped.
        let shortRSA = try sandbox.makeKey("rsa1024", type: "rsa", bits: 1024)
        let allowed = [ed25519, ecdsa, rsa] + (shortRSA.map { [$0] } ?? [])
        let allowedSigners = try sandbox.writeAllowedSigners(allowed)
        let allowedKeys = try allowed.map { try XCTUnwrap(SSHPublicKey(openSSH: $0.publicLine), $0.name) }

        // A few trees, so that tree edits point to real objects.
        var trees = ["4b825dc642cb6eb9a060e54bf8d69288fbee4904"]
        for index in 0..<3 {
            let blob = try sandbox.git(["hash-object", "-w", "--stdin"], stdin: Array("file \(index)\n".utf8))
            let tree = try sandbox.git(["mktree"], stdin: Array("100644 blob \(blob)\tfile\(index).txt\n".utf8))
            trees.append(tree)
        }

        var cases: [Case] = []
        var signedByAllowed: [Case] = []

        // 1. Genuine signatures made by git, rotating over allowed and unknown keys.
        let rotation: [SigningSandbox.Key] = [ed25519, ecdsa, rsa, ed25519, ecdsa, rsa, stranger, ed25519, strangerECDSA]
            + (shortRSA.map { [$0] } ?? [])
        var history: [String] = []
        for index in 0..<200 {
            let key = rotation[index % rotation.count]
            var parents = history.suffix(1).map { $0 }
            if index % 25 == 24, history.count > 3 {
                parents.append(history[history.count - 3])  // a merge
            }
            let message: String
            switch index % 4 {
            case 0: message = "Change \(index)"
            case 1: message = "Change \(index)\n\nWith a body,\nover two lines.\n"
            case 2: message = "Approve model \(index) — ünïcödé ✓\n\ngpgsig -----BEGIN SSH SIGNATURE-----\n not a header\n"
            default: message = "Change \(index)\n\n\n\ntrailing blank lines\n\n"
            }
            let id = try sandbox.commitTree(
                trees[index % trees.count], parents: parents, message: message, signedBy: key)
            history.append(id)
            let item = Case(id: id, variant: .signed, signer: key)
            cases.append(item)
            if [ed25519.name, ecdsa.name, rsa.name].contains(key.name) {
                signedByAllowed.append(item)
            }
        }

        // 2. Hostile variants, built from genuine commits by allowed keys.
        let donors = Array(signedByAllowed.prefix(30))
        for (offset, donor) in donors.enumerated() {
            let raw = try sandbox.rawCommit(donor.id)
            let commit = RawCommitParts(raw)
            switch offset % 3 {
            case 0:
                var edited = commit
                edited.message = Array("Sneaky\n".utf8) + edited.message
                cases.append(Case(id: try sandbox.writeCommit(edited.bytes), variant: .tamperedMessage, signer: donor.signer))
            case 1:
                var edited = commit
                let other = trees.first { !commit.header("tree").contains($0) } ?? trees[0]
                edited.replaceHeader("tree", with: "tree " + other)
                cases.append(Case(id: try sandbox.writeCommit(edited.bytes), variant: .tamperedTree, signer: donor.signer))
            default:
                var edited = commit
                let author = commit.header("author").replacingOccurrences(of: "Ada Lovelace", with: "Eve Mallory")
                edited.replaceHeader("author", with: author)
                cases.append(Case(id: try sandbox.writeCommit(edited.bytes), variant: .tamperedAuthor, signer: donor.signer))
            }
            // The same donor's signature moved onto the next donor's payload.
            let target = RawCommitParts(try sandbox.rawCommit(donors[(offset + 1) % donors.count].id))
            var transplanted = target.withoutSignature
            transplanted.insertSignature(commit.signatureBlock, header: "gpgsig")
            cases.append(Case(id: try sandbox.writeCommit(transplanted.bytes), variant: .transplanted, signer: donor.signer))
        }

        // 3. Signatures made by ssh-keygen directly over the exact payload git would verify.
        let signers: [SigningSandbox.Key] = [ed25519, ecdsa, rsa] + (shortRSA.map { [$0] } ?? [])
        for (index, key) in (signers + signers).enumerated() {
            let unsignedID = try sandbox.commitTree(
                trees[index % trees.count], parents: [], message: "Manual \(index)\n", signedBy: nil)
            let payload = RawCommitParts(try sandbox.rawCommit(unsignedID))
            cases.append(Case(id: unsignedID, variant: .unsigned, signer: nil))

            func write(_ armored: String, header: String = "gpgsig", variant: Variant, signer: SigningSandbox.Key?) throws {
                var commit = payload
                commit.insertSignature(armored, header: header)
                cases.append(Case(id: try sandbox.writeCommit(commit.bytes), variant: variant, signer: signer))
            }
            let good = try sandbox.sign(payload.bytes, with: key, namespace: "git")
            try write(try sandbox.sign(payload.bytes, with: key, namespace: "git", hashAlgorithm: "sha256"),
                      variant: .sha256Digest, signer: key)
            try write(try sandbox.sign(payload.bytes, with: key, namespace: "file"), variant: .wrongNamespace, signer: key)
            try write(good, header: "gpgsig-sha256", variant: .otherFormatHeader, signer: key)
            try write(good + "\ngarbage", variant: .duplicatedHeader, signer: key)
            try write(SSHSigBlob.rearmor(good) { $0.version = 0 }, variant: .sshsigVersionZero, signer: key)
            try write(SSHSigBlob.rearmor(good) { $0.hashAlgorithm = $0.hashAlgorithm == "sha512" ? "sha256" : "sha512" },
                      variant: .relabelledHashAlgorithm, signer: key)
            try write(SSHSigBlob.rearmor(good) { $0.flipLastSignatureBit() }, variant: .flippedSignatureBit, signer: key)
            if key.publicLine.hasPrefix("ssh-rsa ") {
                for label in ["ssh-rsa", "rsa-sha2-256"] {
                    try write(SSHSigBlob.rearmor(good) { $0.relabelSignatureAlgorithm(label) },
                              variant: .relabelledRSAAlgorithm, signer: key)
                }
            }
            // Truncations: lose the end line, lose a base64 line, cut a line in half, keep only the armor.
            var lines = good.split(separator: "\n").map(String.init)
            switch index % 4 {
            case 0: lines.removeLast()
            case 1: lines.remove(at: lines.count - 2)
            case 2: lines[1] = String(lines[1].prefix(lines[1].count / 2))
            default: lines = [lines[0], lines[lines.count - 1]]
            }
            try write(lines.joined(separator: "\n"), variant: .truncated, signer: key)

            // The signature only appears in the message, after the blank line.
            var inMessage = payload
            inMessage.message += Array(("\ngpgsig " + good.replacingOccurrences(of: "\n", with: "\n ") + "\n").utf8)
            cases.append(Case(id: try sandbox.writeCommit(inMessage.bytes), variant: .messageOnlySignature, signer: nil))
        }
        let pgp = "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----"
        let unsignedPayload = RawCommitParts(try sandbox.rawCommit(
            try sandbox.commitTree(trees[0], parents: [], message: "Foreign\n", signedBy: nil)))
        for (armor, variant) in [(pgp, Variant.pgpArmor), ("hello world", .garbageArmor)] {
            var commit = unsignedPayload
            commit.insertSignature(armor, header: "gpgsig")
            cases.append(Case(id: try sandbox.writeCommit(commit.bytes), variant: variant, signer: nil))
        }

        // 4. Compare every decision.
        let repository = try Repository.discover(startingAt: sandbox.repository)
        var agree = 0
        var valid = 0
        var stricter = 0
        var perVariant: [Variant: Int] = [:]
        for item in cases {
            let gitValid = try sandbox.gitVerifies(item.id, allowedSignersFile: allowedSigners)
            let status: CommitSignatureStatus
            do {
                let raw = try RawCommit(parsing: repository.rawCommit(try XCTUnwrap(ObjectID(hex: item.id))))
                status = CommitSignatureVerifier.verify(raw, allowedKeys: allowedKeys)
            } catch {
                status = .invalid(reason: "unreadable: \(error)")
            }
            perVariant[item.variant, default: 0] += 1
            if let shortRSA, item.signer?.name == shortRSA.name, gitValid {
                // The documented difference: git accepts 1024-bit RSA, Tollgate does not.
                XCTAssertEqual(status, .invalid(reason: "RSA key of 1024 bits is too short"), "\(item.variant.rawValue) \(item.id)")
                stricter += 1
                continue
            }
            if gitValid == status.isValid {
                agree += 1
                if gitValid { valid += 1 }
            } else {
                XCTFail("""
                    disagreement on \(item.variant.rawValue) commit \(item.id) signed by \(item.signer?.name ?? "nobody"): \
                    git says \(gitValid ? "valid" : "invalid"), Tollgate says \(status)
                    """)
            }
            if case .valid(let key) = status {
                XCTAssertEqual(key, item.signer.flatMap { SSHPublicKey(openSSH: $0.publicLine) }, item.id)
            }
        }
        let compared = cases.count - stricter
        let elapsed = Date().timeIntervalSince(started)
        print("""
            signature differential: \(compared) commits, \(agree) agree (valid \(valid), invalid \(agree - valid)); \
            \(stricter) more by a 1024-bit RSA key valid for git, refused by Tollgate; \
            \(String(format: "%.1f", elapsed)) s
            """)
        print("signature differential variants: " + Variant.allCases.map { "\($0.rawValue) \(perVariant[$0] ?? 0)" }.joined(separator: ", "))
        XCTAssertEqual(agree, compared)
        XCTAssertGreaterThanOrEqual(cases.count, 200)
        XCTAssertGreaterThan(valid, 100)
        XCTAssertGreaterThan(agree - valid, 50)
    }
}

/// A raw commit object split into header lines and message, for editing in tests.
struct RawCommitParts {
    /// Header lines without their newline, continuation lines included as separate lines.
    var headerLines: [[UInt8]]
    /// Everything after the blank line.
    var message: [UInt8]

    init(_ raw: [UInt8]) {
        var lines: [[UInt8]] = []
        var index = 0
        while index < raw.count {
            let end = raw[index...].firstIndex(of: 0x0A) ?? raw.count
            if end == index {
                message = Array(raw[(end + 1)...])
                headerLines = lines
                return
            }
            lines.append(Array(raw[index..<end]))
            index = end + 1
        }
        headerLines = lines
        message = []
    }

    var bytes: [UInt8] {
        headerLines.flatMap { $0 + [0x0A] } + [0x0A] + message
    }

    /// The value of the first header with this name.
    func header(_ name: String) -> String {
        let prefix = Array((name + " ").utf8)
        guard let line = headerLines.first(where: { $0.starts(with: prefix) }) else { return "" }
        return String(decoding: line.dropFirst(prefix.count), as: UTF8.self)
    }

    mutating func replaceHeader(_ name: String, with line: String) {
        let prefix = Array((name + " ").utf8)
        if let index = headerLines.firstIndex(where: { $0.starts(with: prefix) }) {
            headerLines[index] = Array(line.utf8)
        }
    }

    /// The armored signature of the `gpgsig` header, continuation spaces removed.
    var signatureBlock: String {
        var block: [String] = []
        var inside = false
        for line in headerLines {
            if line.starts(with: Array("gpgsig ".utf8)) {
                inside = true
                block.append(String(decoding: line.dropFirst(7), as: UTF8.self))
            } else if inside, line.first == 0x20 {
                block.append(String(decoding: line.dropFirst(), as: UTF8.self))
            } else {
                inside = false
            }
        }
        return block.joined(separator: "\n")
    }

    /// The commit without its `gpgsig` header and continuation lines.
    var withoutSignature: RawCommitParts {
        var copy = self
        var inside = false
        copy.headerLines = headerLines.filter { line in
            if line.starts(with: Array("gpgsig".utf8)) {
                inside = true
                return false
            }
            if inside, line.first == 0x20 { return false }
            inside = false
            return true
        }
        return copy
    }

    /// Appends a signature header as git does: last header, continuation lines indented by one space.
    mutating func insertSignature(_ armored: String, header: String) {
        let lines = armored.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            headerLines.append(Array(((index == 0 ? header + " " : " ") + line).utf8))
        }
    }
}

/// The fields of an SSHSIG blob, decoded independently of Tollgate's parser, for making variants.
struct SSHSigBlob {
    var version: UInt32
    var publicKey: [UInt8]
    var namespace: [UInt8]
    var reserved: [UInt8]
    var hashAlgorithm: String
    var signature: [UInt8]

    /// Decodes `armored`, lets `edit` change the fields, and armors the result as ssh-keygen does.
    static func rearmor(_ armored: String, _ edit: (inout SSHSigBlob) -> Void) -> String {
        let base64 = armored.split(separator: "\n").dropFirst().dropLast().joined()
        var reader = Reader(bytes: Array(Data(base64Encoded: base64) ?? Data()))
        _ = reader.raw(6)
        var blob = SSHSigBlob(
            version: reader.uint32(), publicKey: reader.string(), namespace: reader.string(),
            reserved: reader.string(), hashAlgorithm: String(decoding: reader.string(), as: UTF8.self),
            signature: reader.string())
        edit(&blob)
        var out = Array("SSHSIG".utf8)
        out += SSHSigBlob.uint32(blob.version)
        for field in [blob.publicKey, blob.namespace, blob.reserved, Array(blob.hashAlgorithm.utf8), blob.signature] {
            out += SSHSigBlob.string(field)
        }
        let encoded = Data(out).base64EncodedString()
        var lines = ["-----BEGIN SSH SIGNATURE-----"]
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(70)))
            rest = rest.dropFirst(70)
        }
        lines.append("-----END SSH SIGNATURE-----")
        return lines.joined(separator: "\n")
    }

    /// Renames the inner signature's algorithm, keeping its bytes.
    mutating func relabelSignatureAlgorithm(_ name: String) {
        var reader = Reader(bytes: signature)
        _ = reader.string()
        let value = reader.string()
        signature = SSHSigBlob.string(Array(name.utf8)) + SSHSigBlob.string(value)
    }

    /// Flips the lowest bit of the last byte of the inner signature value.
    mutating func flipLastSignatureBit() {
        if !signature.isEmpty { signature[signature.count - 1] ^= 1 }
    }

    static func uint32(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    static func string(_ bytes: [UInt8]) -> [UInt8] {
        uint32(UInt32(bytes.count)) + bytes
    }

    struct Reader {
        var bytes: [UInt8]
        var offset = 0

        mutating func raw(_ count: Int) -> [UInt8] {
            let end = min(bytes.count, offset + count)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }

        mutating func uint32() -> UInt32 {
            raw(4).reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func string() -> [UInt8] {
            raw(Int(uint32()))
        }
    }
}
