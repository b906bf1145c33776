import ArgumentParser
import Foundation
import Policy
import Provenance
import Workspace

/// `policy attest REQUEST --key KEY --output FILE`: a signed in-toto attestation of a
/// request's verdict at a commit (docs/attestations.md).
struct AttestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign an in-toto attestation of a promotion request's verdict at a commit.",
        discussion: """
            Evaluates the request at --rev (default HEAD; a commit, never the working tree) \
            exactly as `policy check --rev REV` does. A request that blocks is not attested: \
            exit 1, nothing written. Otherwise writes a DSSE envelope (payloadType \
            application/vnd.in-toto+json) holding an in-toto Statement v1 whose subjects are \
            the artifacts of the request's run, with the digests the repository holds (a \
            file's sha256, a Git LFS pointer's oid, a DVC pointer's md5), and whose predicate \
            (https://tollgate.dev/attestation/release/v1) records the verdict, every rule's \
            outcome, the policies and their blobs, the bundle digest, the approvals and the \
            revision. Signed with an unencrypted OpenSSH ed25519 private key.

            Examples:
              policy attest fraud-student-2.1.0-production --key ~/.ssh/release-bot --output attestation.json
              policy attest fraud-student-2.1.0-production --rev v2.1.0 --key bot --output att.json --record
            """
    )

    @Argument(help: "metadata.name of the PromotionRequest.")
    var request: String

    @Option(help: ArgumentHelp("The commit to evaluate (default HEAD).", valueName: "rev"))
    var rev: String = "HEAD"

    @Option(help: ArgumentHelp("OpenSSH ed25519 private key file (unencrypted), e.g. written by `ssh-keygen -t ed25519`.", valueName: "file"))
    var key: String

    @Option(help: ArgumentHelp("Where to write the envelope (JSON).", valueName: "file"))
    var output: String

    @Flag(help: "Also store the envelope as a git note of the evaluated commit (refs/notes/tollgate-attestations).")
    var record = false

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let signingKey = try Self.readKey(key)
        let outcome: AttestUseCase.Outcome
        do {
            let workspace = try Workspace(directory: repository.resolvedDirectory)
            Entry.keepUntilExit(workspace)
            let useCase = AttestUseCase(workspace)
            outcome = try useCase.run(request: request, revision: rev, key: signingKey,
                                      tool: (name: "tollgate", version: PolicyCommand.version))
            if case .attested(let attestation) = outcome {
                try AtomicFile.write(attestation.envelope.json, to: output)
                if record { try useCase.record(attestation.envelope, for: attestation.commit) }
            }
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        switch outcome {
        case .blocked(let name, let commit, let findings):
            var message = "policy attest: \(name) blocks at \(commit.prefix(12)): not attested, \(output) not written\n"
            for finding in findings {
                message += "  ✗ \(finding.ruleID): \(finding.message) (\(finding.location))\n"
            }
            FileHandle.standardError.write(Data(message.utf8))
            throw ExitCode(1)
        case .attested(let attestation):
            print("attested \(request) at \(attestation.commit.hex.prefix(12)): verdict \(attestation.verdict.rawValue)")
            for subject in attestation.subjects { print("  subject \(subject)") }
            print("signed with \(signingKey.publicKey.description), key id \(attestation.envelope.signatures.first?.keyID ?? "")")
            print("written to \(output)" + (record ? "; recorded in \(AttestUseCase.notesRef)" : ""))
        }
    }

    static func readKey(_ path: String) throws -> OpenSSHPrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ToolError("cannot read the key \(path)")
        }
        do {
            return try OpenSSHPrivateKey(fileText: String(decoding: data, as: UTF8.self))
        } catch {
            throw ToolError("cannot use the key \(path): \(error.reason)")
        }
    }

}

/// `policy verify-attestation FILE --artifact PATH --team TEAM`: exit 0 when the attestation
/// is signed by a key of the Team, names the artifact and says pass; 1 with the reason when not.
struct VerifyAttestationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-attestation",
        abstract: "Verify an attestation of `policy attest` for an artifact, outside any repository.",
        discussion: """
            Accepts (exit 0) when the DSSE signature verifies with an ed25519 key the Team file \
            lists (not expired, of a member holding --role if given), the payload is an in-toto \
            Statement v1 of Tollgate's release predicate, the artifact's sha256 (or md5, for a \
            DVC subject) is one of its subjects, the attested verdict is pass and, with --to, \
            the attested request promotes to that stage. Refuses \
            (exit 1) with the reason otherwise; exit 2 when an input cannot be read.

            Example (a deploy job):
              policy verify-attestation attestation.json --artifact model.onnx --team policies/team.yaml --role release-bot --to production
            """
    )

    @Argument(help: ArgumentHelp("The envelope written by `policy attest`.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The file about to be deployed.", valueName: "path"))
    var artifact: String

    @Option(help: ArgumentHelp("The Team document whose keys are trusted (e.g. policies/team.yaml of the release branch).", valueName: "file"))
    var team: String

    @Option(help: ArgumentHelp("Require the signer to hold this role in the Team.", valueName: "role"))
    var role: String?

    @Option(help: ArgumentHelp("Require the attested request to promote to this stage (e.g. production).", valueName: "stage"))
    var to: String?

    func run() throws {
        let outcome: AttestationVerifier.Outcome
        do {
            outcome = try VerifyAttestationUseCase().run(envelopeFile: file, artifact: artifact, teamFile: team, role: role, stage: to)
        } catch let error as WorkspaceError {
            throw ToolError(error.localizedDescription)
        }
        switch outcome {
        case .accepted(let accepted):
            print("accepted: \(artifact) is \(accepted.subject) of \(accepted.request), which passed at \(accepted.commit.prefix(12)); signed by \(accepted.member) (\(accepted.fingerprint))")
        case .refused(let reason):
            FileHandle.standardError.write(Data("policy verify-attestation: refused: \(reason)\n".utf8))
            throw ExitCode(1)
        }
    }
}
