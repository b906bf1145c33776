import Foundation
import GitKit
import Documents

/// `policy pack update [NAME…]`: fetches each policy pack the Config names through libgit2,
/// resolves its ref to a commit, writes the files under its `path` into
/// `<policies>/vendor/<name>/` and pins the commit and content digest in the lock
/// (docs/packs.md). Every pack is fetched and checked before anything is written: a ref
/// that does not resolve, an unreachable source or content that differs from the digest the
/// Config pins is exit 2 with the working tree unchanged.
public struct PackUpdateUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// What an update did to one pack.
    public struct Update: Sendable {
        public var name: String
        public var ref: String
        public var commit: String
        public var digest: String
        public var files: Int
        public var directory: String
        /// The commit pinned before, nil for a pack vendored for the first time.
        public var previousCommit: String?
    }

    public struct Outcome: Sendable {
        public var updates: [Update]
        /// Packs the lock pinned that the Config no longer names: their directories are removed.
        public var removed: [String]
        /// The lock written; nil when no pack is left, and so no lock.
        public var lockFile: String?
    }

    public func run(names: [String]) throws -> Outcome {
        guard let root = repository.workingDirectory else {
            throw WorkspaceError.bareRepository(mode: "policy pack update")
        }
        let snapshot = try git { try WorkingTreeSnapshot(repository) }
        let config = try ProjectConfig.load(from: snapshot, startingAt: subdirectory)
        let configFile = config.file ?? ProjectConfig.fileName
        let known = config.packs.map(\.name)
        for name in names where !known.contains(name) {
            throw WorkspaceError.refused(known.isEmpty
                ? "\(configFile) names no policy packs (spec.packs); nothing to update"
                : "no policy pack '\(name)' in \(configFile)\(DidYouMean.hint(for: name, among: known)); packs: \(known.joined(separator: ", "))")
        }
        let selected = names.isEmpty ? config.packs : config.packs.filter { names.contains($0.name) }

        var lock = PackLock(entries: [])
        var lockRead = true
        if snapshot.paths.contains(config.packLockFile) {
            let (read, problems) = PackLock.read(try git { try snapshot.read(config.packLockFile) }, file: config.packLockFile)
            if let read {
                lock = read
            } else if names.isEmpty {
                lockRead = false
            } else {
                throw WorkspaceError.invalidConfig(problems + [Diagnostic(.schema,
                    "the lock is damaged: run `policy pack update` without names to vendor every pack again",
                    at: .start(of: config.packLockFile))])
            }
        }

        // A vendored directory is replaced whole: a file in it that the lock does not pin as it
        // is (a hand edit, a policy written there) would be lost, and an untracked one for good.
        if lockRead {
            let removed = lock.entries.filter { entry in !known.contains(entry.name) }.map(\.name)
            try refuseLocalChanges(in: selected.map(\.name) + removed, lock: lock, snapshot: snapshot, config: config)
        }

        // Fetch and check everything first: nothing is written unless every pack is right.
        var fetched: [(entry: PackLock.Entry, bytes: [String: [UInt8]])] = []
        for pack in selected {
            fetched.append(try fetch(pack, config: config, root: root))
        }

        var updates: [Update] = []
        for (entry, bytes) in fetched {
            let directory = config.packDirectory + entry.name + "/"
            try replaceDirectory(directory, with: bytes, root: root)
            updates.append(Update(name: entry.name, ref: entry.ref, commit: entry.commit, digest: entry.digest,
                                  files: bytes.count, directory: directory, previousCommit: lock.entry(entry.name)?.commit))
            lock.entries.removeAll { $0.name == entry.name }
            lock.entries.append(entry)
        }
        let removed = lock.entries.filter { entry in !known.contains(entry.name) }.map(\.name)
        for name in removed {
            try replaceDirectory(config.packDirectory + name + "/", with: nil, root: root)
        }
        lock.entries.removeAll { removed.contains($0.name) }
        if lock.entries.isEmpty {
            // No pack left (or none ever named): no lock, and no empty vendor directory.
            if let lockPath = try realDirectory(config.packDirectory, root: root, create: false) {
                try fileSystem {
                    for name in [PackLock.fileName, PackLock.attributesFileName] {
                        let file = lockPath + "/" + name
                        if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
                    }
                    if (try? FileManager.default.contentsOfDirectory(atPath: lockPath))?.isEmpty == true {
                        try FileManager.default.removeItem(atPath: lockPath)
                    }
                }
            }
        } else {
            try write(Array(PackLock.attributes.utf8), to: config.packAttributesFile, root: root)
            try write(Array(lock.text.utf8), to: config.packLockFile, root: root)
        }
        return Outcome(updates: updates, removed: removed, lockFile: lock.entries.isEmpty ? nil : config.packLockFile)
    }

    /// Refuses (writing nothing) when a file in one of the packs' directories is not what the
    /// lock pins: `policy pack update` would overwrite or delete it.
    func refuseLocalChanges(in packs: [String], lock: PackLock, snapshot: some Snapshot, config: ProjectConfig) throws {
        var changed: [String] = []
        for name in packs {
            let directory = config.packDirectory + name + "/"
            let pinned = lock.entry(name)?.content.files ?? [:]
            for path in snapshot.paths where path.hasPrefix(directory) {
                let found = (try? snapshot.read(path)).map(ContentHash.sha256Hex)
                if found == nil || pinned[String(path.dropFirst(directory.count))] != found { changed.append(path) }
            }
        }
        guard !changed.isEmpty else { return }
        let shown = changed.prefix(5).joined(separator: ", ") + (changed.count > 5 ? " and \(changed.count - 5) more" : "")
        throw WorkspaceError.refused(
            "\(shown) \(changed.count == 1 ? "is" : "are") not what \(config.packLockFile) pins: `policy pack update` replaces the vendored directory and would lose \(changed.count == 1 ? "it" : "them"). Move your own files out of \(config.packDirectory) (beside it, in the policy directory), and restore or delete the edited ones (`git checkout -- <file>`); nothing was written")
    }

    // MARK: - Fetching

    func fetch(_ pack: PackSpec, config: ProjectConfig, root: String) throws -> (entry: PackLock.Entry, bytes: [String: [UInt8]]) {
        let what = "policy pack '\(pack.name)'"
        let source = pack.isURL || pack.source.hasPrefix("/") ? pack.source
            : URL(fileURLWithPath: root).appendingPathComponent(config.root).appendingPathComponent(pack.source).standardizedFileURL.path
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("tollgate-pack-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let fetched: Repository
        do {
            fetched = try Repository.fetchingBranchesAndTags(from: source, intoNewBareRepositoryAt: temporary)
        } catch {
            // libgit2's message and ours name the URL: never with the credentials written in it.
            let redacted = GitError(code: error.code, message: PackSpec.redacted(error.message))
            throw WorkspaceError.git(redacted, context: "\(what) cannot be fetched from '\(pack.displaySource)' (\(at(pack.location)))")
        }
        guard let commit = resolve(pack.ref, in: fetched) else {
            throw WorkspaceError.refused(
                "\(at(pack.location)): ref '\(pack.ref)' of \(what) does not resolve in '\(pack.displaySource)': it is no tag, branch or commit there; nothing was written")
        }
        let entries = try git { try fetched.files(inCommit: commit) }.filter { $0.path.hasPrefix(pack.path) }
        guard !entries.isEmpty else {
            throw WorkspaceError.refused(
                "\(at(pack.location)): \(what) at '\(pack.ref)' (commit \(commit.short)) has no files under '\(pack.path.isEmpty ? "/" : pack.path)'; nothing was written")
        }
        var bytes: [String: [UInt8]] = [:]
        for entry in entries {
            let relative = String(entry.path.dropFirst(pack.path.count))
            if let problem = PackContent.pathProblem(relative) {
                throw WorkspaceError.refused("\(what): \(problem); nothing was written")
            }
            guard !entry.isSymlink else {
                throw WorkspaceError.refused("\(what) holds a symbolic link, \(entry.path), which is not vendored: a pack is plain files; nothing was written")
            }
            let content = try git { try fetched.blob(entry.oid) }
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml"),
               case .document(let document, _) = DocumentLoader.read(content, path: relative),
               document.kind == .team || document.kind == .config {
                throw WorkspaceError.refused(
                    "\(what) holds a \(document.kind.rawValue) document, \(entry.path): a pack brings policies, never members or settings; nothing was written")
            }
            bytes[relative] = content
        }
        let content = PackContent(bytes: bytes)
        if let pinned = pack.digest, pinned != content.digest {
            throw WorkspaceError.refused(
                "\(at(pack.digestLocation ?? pack.location)): \(what) at '\(pack.ref)' (commit \(commit.short)) has content digest \(content.digest), not the \(pinned) \(config.file ?? ProjectConfig.fileName) pins; nothing was written")
        }
        let entry = PackLock.Entry(name: pack.name, source: pack.source, ref: pack.ref, path: pack.path,
                                   commit: commit.hex, digest: content.digest, content: content)
        return (entry, bytes)
    }

    /// A tag, then a branch, then a full commit id: never a revision expression.
    func resolve(_ ref: String, in repository: Repository) -> ObjectID? {
        for candidate in ["refs/tags/\(ref)", "refs/heads/\(ref)"] {
            if let id = try? repository.resolveCommit(candidate) { return id }
        }
        if ref.count == 40, ObjectID(hex: ref.lowercased()) != nil, repository.commitExists(ref) {
            return try? repository.resolveCommit(ref.lowercased())
        }
        return nil
    }

    func at(_ location: SourceLocation) -> String { location.description }

    // MARK: - Writing

    /// Replaces a vendored directory with `files` (nil: removes it). Every directory on the way
    /// from the root must be a real directory: a symbolic link there could point anywhere.
    func replaceDirectory(_ directory: String, with files: [String: [UInt8]]?, root: String) throws {
        let manager = FileManager.default
        let absolute = try realDirectory(directory, root: root, create: files != nil)
        if let absolute, manager.fileExists(atPath: absolute) {
            try fileSystem { try manager.removeItem(atPath: absolute) }
        }
        guard let files, let absolute else { return }
        for (relative, content) in files.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: absolute).appendingPathComponent(relative)
            try fileSystem {
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(content).write(to: url)
            }
        }
    }

    /// Writes a file beside its destination and renames it into place.
    func write(_ bytes: [UInt8], to path: String, root: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        guard let directory = try realDirectory(parent, root: root, create: true) else { return }
        let url = URL(fileURLWithPath: directory).appendingPathComponent((path as NSString).lastPathComponent)
        try fileSystem { try Data(bytes).write(to: url, options: .atomic) }
    }

    /// The absolute path of a repository-relative directory whose every component is a real
    /// directory (created when `create`); nil when it does not exist and is not created.
    func realDirectory(_ directory: String, root: String, create: Bool) throws -> String? {
        var current = root
        for component in directory.split(separator: "/") {
            current += "/" + component
            let attributes = try? FileManager.default.attributesOfItem(atPath: current)
            switch attributes?[.type] as? FileAttributeType {
            case .typeDirectory?:
                continue
            case nil:
                guard create else { return nil }
                try fileSystem { try FileManager.default.createDirectory(atPath: current, withIntermediateDirectories: false) }
            default:
                throw WorkspaceError.refused("\(current) is not a directory (a symbolic link or a file): policy packs are written only into real directories")
            }
        }
        return current
    }

    func fileSystem(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            throw WorkspaceError.refused("cannot write the vendored pack: \(error.localizedDescription)")
        }
    }
}
