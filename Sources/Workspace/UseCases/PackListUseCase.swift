import Foundation
import GitKit
import Documents

/// `policy pack list`: the packs the Config names, what the lock pins, and whether the
/// vendored files are what it pins (the same verification as `policy check`, on the working tree).
public struct PackListUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    public struct Pack: Sendable {
        public var name: String
        public var source: String
        public var ref: String
        public var pinnedCommit: String?
        public var pinnedDigest: String?
    }

    public func run() throws -> (packs: [Pack], problems: [String], lockFile: String) {
        let snapshot = try git { try WorkingTreeSnapshot(repository) }
        let config = try ProjectConfig.load(from: snapshot, startingAt: subdirectory)
        var lock: PackLock?
        if snapshot.paths.contains(config.packLockFile) {
            lock = PackLock.read(try git { try snapshot.read(config.packLockFile) }, file: config.packLockFile).lock
        }
        let packs = config.packs.map { pack in
            Pack(name: pack.name, source: pack.displaySource, ref: pack.ref,
                 pinnedCommit: lock?.entry(pack.name)?.commit, pinnedDigest: lock?.entry(pack.name)?.digest)
        }
        let problems = PackVerification(snapshot, config: config).findings.map { "\($0.location): \($0.message)" }
        return (packs, problems, config.packLockFile)
    }
}
