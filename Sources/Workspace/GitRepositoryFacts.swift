import Foundation
import Documents
import GitKit
import Policy

/// `RepositoryFacts` over libgit2: commits, files of the evaluated state (with Git LFS
/// pointers recognised), and the promotions merged into the branch.
///
/// Thread-safe: subjects are evaluated on several threads (`Evaluator.evaluate`), and every
/// question is answered behind `turn`, the one lock of the check's `Repository` (a libgit2
/// handle and its memo must not be used by two threads at once), which the other readers of
/// that repository during evaluation take too (`CheckUseCase`: the approval ledger, the
/// recorded verdicts, the decisions in the change). The walk of the merged promotions runs
/// behind it once, at the first question, on every core of its own.
final class GitRepositoryFacts: RepositoryFacts, @unchecked Sendable {
    let repository: Repository
    /// Held while anything reads through `repository` during evaluation.
    let turn = RepositoryTurn()
    let snapshot: Snapshot
    /// Whose first-parent history counts as "merged": HEAD, the evaluated commit, or in range
    /// mode the base (the target branch, not the change under review).
    let branchHead: ObjectID?
    let documents: DocumentCache
    /// Local modes: the merged promotions of an earlier run, extended instead of walked again.
    let history: HistoryStore?
    private var chain: [HistoryStore.Promotion]?
    /// The chain's promotions by model, made once: every request asks for its model's.
    private var chainByModel: [String: [HistoryStore.Promotion]]?
    private var mergedByModel: [String: [MergedPromotion]] = [:]
    private var files: [String: FileFacts] = [:]
    /// The models whose merged promotions the run will ask for (the models of the subjects it
    /// evaluates), set before evaluation: the walk then parses only the requests that can name
    /// one of them. nil: every model. A question about another model walks again for every
    /// model, so the hint only ever saves work. Local modes keep one chain for every model
    /// (`HistoryStore`), so they ignore it.
    var modelsOfInterest: Set<String>?
    /// The models the walked chain covers (nil: all of them).
    private var chainModels: Set<String>?
    /// Why the walk of the history failed, if it did. Rules then saw no merged promotion; the
    /// check must not stand on that (`Workspace.check` ends with exit 2).
    var walkError: (any Error)? { turn { failure } }
    private var failure: (any Error)?

    init(repository: Repository, snapshot: Snapshot, branchHead: ObjectID?, documents: DocumentCache,
         history: HistoryStore? = nil) {
        self.repository = repository
        self.documents = documents
        self.snapshot = snapshot
        self.branchHead = branchHead
        self.history = history
    }

    func commitExists(_ id: String) -> Bool {
        turn { repository.commitExists(id) }
    }

    func file(at path: String) -> FileFacts {
        if let known = turn({ files[path] }) { return known }
        let bytes = turn { snapshot.paths.contains(path) ? try? snapshot.read(path) : nil }
        // Hashed on the asking thread, outside the turn. Not in the repository: a DVC pointer
        // for it, if there is one (DVCPointers.swift).
        let facts = bytes.map { GitRepositoryFacts.lfsPointer($0) ?? .content(sha256: ContentHash.sha256Hex($0), size: $0.count) }
            ?? turn({ DVCPointers.facts(for: path, in: snapshot) }) ?? .missing
        turn { files[path] = facts }
        return facts
    }

    /// A file at a commit, from the object database (never the working tree). Asked per
    /// subject by the lineage check's `config` item: answers are kept, behind `turn`.
    func file(at path: String, inCommit commit: String) -> CommittedFile {
        turn { committedFile(at: path, inCommit: commit) }
    }

    private func committedFile(at path: String, inCommit commit: String) -> CommittedFile {
        let key = commit.lowercased() + "\u{0}" + path
        if let known = committedFiles[key] { return known }
        let answer: CommittedFile
        if let id = ObjectID(hex: commit.lowercased()), repository.commitExists(id.hex) {
            do {
                if let blob = try repository.blobID(atPath: path, inCommit: id) {
                    // A symbolic link's blob is its target's name, not a config: refused by name.
                    if try repository.isSymbolicLink(atPath: path, inCommit: id) {
                        let target = String(decoding: try repository.blob(blob).prefix(200), as: UTF8.self)
                        answer = .unavailable("it is a symbolic link (to '\(target)'), whose content git does not hold; name the file it points to")
                    } else {
                        answer = .content(try repository.blob(blob))
                    }
                } else {
                    answer = .missing
                }
            } catch {
                answer = .unavailable("the repository cannot be read: \(error)")
            }
        } else {
            answer = .unknownCommit
        }
        committedFiles[key] = answer
        return answer
    }

    /// Local and remote-tracking branch names, listed once — a remote-tracking branch also
    /// under its name on the remote (`origin/main` and `main`); nil when they cannot be listed.
    func branchNames() -> [String]? {
        turn { listedBranches() }
    }

    private func listedBranches() -> [String]? {
        if let branches { return branches }
        guard let listed = try? repository.branchNames() else { return nil }
        let onRemote = listed.remote.compactMap { name in name.firstIndex(of: "/").map { String(name[name.index(after: $0)...]) } }
        branches = Array(Set(listed.local + listed.remote + onRemote)).sorted()
        return branches
    }

    private var committedFiles: [String: CommittedFile] = [:]
    private var branches: [String]?

    /// A Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md): small,
    /// text, starting with the spec version line, with an `oid sha256:<64 hex>` line.
    static func lfsPointer(_ bytes: [UInt8]) -> FileFacts? {
        guard bytes.count < 1024, let text = String(validating: bytes, as: UTF8.self),
              text.hasPrefix("version https://git-lfs.github.com/spec/v1") else { return nil }
        var oid: String?
        var size: Int?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("oid sha256:") { oid = String(line.dropFirst("oid sha256:".count)) }
            if line.hasPrefix("size ") { size = Int(line.dropFirst(5)) }
        }
        guard let oid, TextFormat.sha256.accepts(oid) else { return nil }
        return .lfsPointer(oid: oid.lowercased(), size: size)
    }

    func mergedPromotions() -> [MergedPromotion] {
        turn { promotions().compactMap(materialize) }
    }

    func mergedPromotions(of model: String) -> [MergedPromotion] {
        turn { mergedPromotionsOfModel(model) }
    }

    private func mergedPromotionsOfModel(_ model: String) -> [MergedPromotion] {
        if let known = mergedByModel[model] { return known }
        if chain != nil, let covered = chainModels, !covered.contains(model) {
            // Asked beyond the hint: the chain of every model answers (one more walk, correct).
            chain = nil
            chainByModel = nil
            modelsOfInterest = nil
        }
        let byModel = chainByModel ?? Dictionary(grouping: promotions(), by: \.model)
        chainByModel = byModel
        let found = (byModel[model] ?? []).compactMap(materialize)
        mergedByModel[model] = found
        return found
    }

    /// The request of a merged promotion, read again from its blob (kept in the document cache).
    private func materialize(_ promotion: HistoryStore.Promotion) -> MergedPromotion? {
        guard let document = try? documents.document(promotion.blob, path: promotion.path, in: repository) else { return nil }
        return MergedPromotion(request: document, commit: promotion.commit, date: promotion.date)
    }

    private func promotions() -> [HistoryStore.Promotion] {
        if let chain { return chain }
        let found: [HistoryStore.Promotion]
        // Local modes keep the chain of every model; a scoped chain is never kept.
        let models = history == nil ? modelsOfInterest : nil
        chainModels = models
        do {
            found = try walkMergedPromotions(models: models)
        } catch {
            failure = error
            found = []
        }
        chain = found
        return found
    }

    /// Walks the first-parent history oldest first; a request (a model and a name) is merged
    /// at the first commit of that history whose tree holds it. A chain kept by an earlier local run is where the
    /// walk starts when it is part of this history (the commits after it are walked).
    ///
    /// - Parameter models: only requests of these models are looked for (nil: every model).
    ///   A blob that does not spell one of them (nor uses a backslash) is not parsed.
    private func walkMergedPromotions(models: Set<String>?) throws -> [HistoryStore.Promotion] {
        guard let head = branchHead else { return [] }
        let wanted = GitRepositoryFacts.mayHoldPromotionRequest(ofAnyOf: models)
        let kept = history?.chain
        var chain: [(commit: ObjectID, tree: ObjectID)] = []
        var current: ObjectID? = head
        var start: HistoryStore.Chain?
        while let commit = current {
            if let kept, commit == kept.end {
                start = kept
                break
            }
            let links = try repository.links(of: commit)
            chain.append((commit, links.tree))
            current = links.parents.first
        }
        var result = start?.promotions ?? []
        // A request is its model and name: one edited to name another model is that model's
        // request from then on (and a walk that looks for some models only sees the same).
        var seen = Set(result.map { $0.model + "\u{0}" + $0.name })
        let ordered = Array(chain.reversed())
        // Each commit against its first parent, on every core (a repository handle per thread).
        let startTree = try start.map { (kept) throws in try repository.links(of: kept.end).tree }
        let allChanges = try GitRepositoryFacts.changes(along: ordered.map(\.tree), after: startTree, in: repository)
        for batch in stride(from: 0, to: ordered.count, by: Workspace.walkBatch) {
            var changesOf: [(commit: ObjectID, changes: [TreeChange])] = []
            for index in batch..<min(ordered.count, batch + Workspace.walkBatch) {
                changesOf.append((ordered[index].commit, allChanges[index]))
            }
            // Only a blob that spells the kind (or escapes characters) can hold a request:
            // the others are not parsed. A request missed here would only make checks stricter.
            try documents.prefetch(changesOf.flatMap { $0.changes.map { ($0.new!, $0.path) } }, in: repository,
                                   wanted: wanted)
            for (commit, changes) in changesOf {
                for change in changes {
                    guard let blob = change.new, !documents.isRefused(blob, path: change.path),
                          let document = try? documents.document(blob, path: change.path, in: repository),
                          document.kind == .promotionRequest else { continue }
                    let model = document.text("model") ?? ""
                    if let models, !models.contains(model) { continue }
                    guard seen.insert(model + "\u{0}" + document.name).inserted else { continue }
                    let info = try repository.commit(commit)
                    result.append(HistoryStore.Promotion(model: model, name: document.name, blob: blob,
                                                         path: change.path, commit: commit.short,
                                                         date: Workspace.rfc3339(info.committer.time)))
                }
            }
        }
        if !chain.isEmpty { history?.keep(HistoryStore.Chain(end: head, promotions: result)) }
        return result.reversed()
    }

    /// The YAML files each tree of `trees` adds or changes against the one before it (the first
    /// against `first`; nil: the empty tree), compared on every core.
    static func changes(along trees: [ObjectID], after first: ObjectID?, in repository: Repository) throws -> [[TreeChange]] {
        try changes(between: trees.indices.map { ($0 == 0 ? first : trees[$0 - 1], trees[$0]) }, in: repository)
            // Added or changed files only; a gitlink (mode 160000) names a commit of another repository.
            .map { $0.filter { $0.new != nil && $0.newMode != 0o160000 } }
    }

    /// The YAML paths that differ between each pair of trees (nil: the empty tree), compared on every core, each thread
    /// with a repository handle of its own (libgit2 handles must not be shared).
    static func changes(between pairs: [(old: ObjectID?, new: ObjectID)], in repository: Repository) throws -> [[TreeChange]] {
        let gitDirectory = repository.gitDirectory
        // Runs of consecutive pairs: a tree one pair reads is the next pair's old side, and
        // stays in the reading thread's object cache.
        let run = 256
        let results = DocumentLoader.inParallel((pairs.count + run - 1) / run) { chunk -> Result<[[TreeChange]], GitError> in
            Result(catching: { () throws(GitError) -> [[TreeChange]] in
                let local = try ThreadRepository.current(gitDirectory)
                var found: [[TreeChange]] = []
                for index in (chunk * run)..<min(pairs.count, (chunk + 1) * run) {
                    found.append(try local.changes(fromTree: pairs[index].old, toTree: pairs[index].new)
                        .filter { $0.path.hasSuffix(".yaml") || $0.path.hasSuffix(".yml") })
                }
                return found
            })
        }
        return try results.flatMap { try $0.get() }
    }

    /// Whether a file's bytes can hold a PromotionRequest: they spell the kind, or they use a
    /// backslash, with which a double-quoted YAML scalar can spell it in escapes, or they are
    /// UTF-16/32.
    static func mayHoldPromotionRequest(_ bytes: [UInt8]) -> Bool {
        mayBeEncodedOtherwise(bytes) || containsKind(bytes)
    }

    /// Bytes whose text the literal search cannot see: escapes (a backslash), or UTF-16/32
    /// (NUL bytes; the loader decodes them), which are parsed whatever they spell.
    private static func mayBeEncodedOtherwise(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 == UInt8(ascii: "\\") || $0 == 0 }
    }

    /// Whether a file's bytes can hold a PromotionRequest of one of `models` (nil: of any
    /// model). A plain or quoted YAML scalar spells its text literally unless it uses escapes
    /// (a backslash); a folded or multi-line scalar cannot join two lines without a space. So a
    /// request whose bytes do not contain the model's name, and no backslash, is of another model.
    /// More than a few models: only the kind is looked for.
    static func mayHoldPromotionRequest(ofAnyOf models: Set<String>?) -> @Sendable ([UInt8]) -> Bool {
        guard let models, models.count <= 16 else { return mayHoldPromotionRequest }
        let names = models.map { Array($0.utf8) }
        return { bytes in
            if mayBeEncodedOtherwise(bytes) { return true }
            return contains(bytes, kindBytes) && names.contains { contains(bytes, $0) }
        }
    }

    private static let kindBytes = Array("PromotionRequest".utf8)

    private static func containsKind(_ bytes: [UInt8]) -> Bool {
        contains(bytes, kindBytes)
    }

    private static func contains(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        guard let first = word.first else { return true }
        var index = bytes.startIndex
        while let found = bytes[index...].firstIndex(of: first) {
            if bytes[found...].starts(with: word) { return true }
            index = found + 1
        }
        return false
    }
}

/// The lock of one `Repository` handle: libgit2 handles (and `Repository`'s memo) must not
/// be used by two threads at once. Not reentrant: a body must not ask for the turn again.
final class RepositoryTurn: Sendable {
    private let lock = NSLock()

    func callAsFunction<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A repository handle of the current thread's own, opened on first use and released with
/// the thread (libgit2 handles must not be shared between threads).
enum ThreadRepository {
    static func current(_ gitDirectory: String) throws(GitError) -> Repository {
        let key = "dev.tollgate.repository:" + gitDirectory
        if let known = Thread.current.threadDictionary[key] as? Repository { return known }
        let opened = try Repository.discover(startingAt: gitDirectory)
        Thread.current.threadDictionary[key] = opened
        return opened
    }
}
