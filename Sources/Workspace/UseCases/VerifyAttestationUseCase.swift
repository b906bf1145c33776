import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Documents
import Provenance

/// `policy verify-attestation FILE --artifact PATH --team TEAM [--role ROLE]`: whether a deploy
/// job may trust an attestation for the artifact it is about to deploy. Needs no repository:
/// the envelope, the artifact and the Team file are read from disk. Input that cannot be read
/// (a file that is missing, not JSON, not a DSSE envelope, a Team file with errors) is a
/// `WorkspaceError` (exit 2); a refusal is an outcome (exit 1).
public struct VerifyAttestationUseCase {
    public init() {}

    public func run(envelopeFile: String, artifact: String, teamFile: String, role: String?, stage: String? = nil,
                    now: Date = Date()) throws -> AttestationVerifier.Outcome {
        let data = try readEnvelope(envelopeFile)
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope(json: data)
        } catch {
            throw WorkspaceError.refused("\(envelopeFile) is not a DSSE envelope: \(error.reason)")
        }
        let team = try loadTeam(teamFile)
        let handle = try openArtifact(artifact)
        defer { try? handle.close() }
        let digests: AttestationVerifier.Artifact
        do {
            digests = try AttestationVerifier.Artifact(path: artifact, reading: handle)
        } catch {
            throw WorkspaceError.refused("cannot read the artifact \(artifact): \(error.localizedDescription)")
        }
        do {
            return try AttestationVerifier(team: team, role: role, stage: stage, now: now).verify(envelope, artifact: digests)
        } catch {
            throw WorkspaceError.refused("\(envelopeFile) is malformed: \(error.reason)")
        }
    }

    /// The most an envelope file may hold: `policy attest` writes a few kilobytes.
    static let envelopeLimit = 16 << 20

    /// The envelope's bytes: a regular file of at most `envelopeLimit` bytes, checked on the
    /// open descriptor before anything is read (never gigabytes into memory, never a FIFO).
    func readEnvelope(_ path: String) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw WorkspaceError.refused("cannot read the attestation \(path)")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw WorkspaceError.refused("cannot read the attestation \(path): it is not a regular file")
        }
        guard info.st_size <= Self.envelopeLimit else {
            throw WorkspaceError.refused("\(path) is not a DSSE envelope: it is \(info.st_size) bytes, more than the 16 MiB an envelope may have")
        }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw WorkspaceError.refused("cannot read the attestation \(path): \(error.localizedDescription)")
        }
    }

    /// The artifact, opened for reading: a regular file (a symbolic link is followed). A FIFO
    /// would block the deploy job in open(2) for ever and a directory reads as an error, so
    /// anything else is exit 2 at once; the descriptor is opened non-blocking and checked with
    /// fstat, so what is read is what was checked.
    func openArtifact(_ path: String) throws -> FileHandle {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw WorkspaceError.refused("cannot read the artifact \(path)")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw WorkspaceError.refused("cannot read the artifact \(path): it is not a regular file")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// The Team a file holds, read and checked as `policy check` reads trusted Teams: any
    /// error is exit 2, never a Team with fewer members.
    func loadTeam(_ path: String) throws -> Team {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw WorkspaceError.refused("cannot read the Team file \(path)")
        }
        switch DocumentLoader.read(Array(bytes), path: path) {
        case .notTollgate:
            throw WorkspaceError.refused("\(path) is not a Tollgate document (apiVersion: tollgate/v1, kind: Team)")
        case .unreadable(let diagnostics):
            throw WorkspaceError.invalidPolicy(diagnostics)
        case .document(let document, let diagnostics):
            guard document.kind == .team else {
                throw WorkspaceError.refused("\(path) holds a \(document.kind.rawValue), not a Team")
            }
            let (team, problems) = Team.load([document])
            let errors = (diagnostics + problems).filter { $0.severity == .error }
            guard errors.isEmpty else { throw WorkspaceError.invalidPolicy(errors) }
            return team
        }
    }
}
