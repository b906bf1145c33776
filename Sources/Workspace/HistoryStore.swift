import Foundation
import GitKit

/// What local checks learned about the history, kept in `.git/tollgate/history` so that the
/// next pre-commit check starts where this one stopped instead of walking the whole history
/// again: the answers of `Repository.accountableChange` (which commit is accountable for a
/// path's state — a file's content, a directory, an absence — for attributing approvals and
/// finding removed rejections; `lastChange` is the same walk) and of `Repository.isAncestor` (whether a change came before an
/// approval), and the promotions merged along the first-parent chain of a commit (for the
/// champion and the prior stage).
///
/// Commits never change, so an answer stays true; what could make it wrong is a different
/// parser deciding differently which blob is a request, or a different rule for what a merge
/// is accountable for (format "history 5": merges answer for what differs from their first
/// parent; a merged request is its model and name), hence the stamp of the format and of the executable, as for `ReadingStore`. Like it, this store is read only in the local modes, never for `--rev`
/// or `--base`, and a file that cannot be read is no store.
///
/// It is a `HistoryAnswers`: the repository asks it before walking and tells it what it found
/// (`check` sets `Repository.keptAnswers`); GitKit has no call that seeds a cache.
final class HistoryStore: HistoryAnswers, @unchecked Sendable {
    private static let magic = Array("TOLLGATE-HISTORY\n".utf8)
    static let fileName = "history"
    /// Answers of `accountableChange` kept at most (this run's first).
    static let maxLastChanges = 20_000

    /// A request merged into a branch, without its document (parsed again when a rule needs it).
    struct Promotion: Equatable {
        var model: String
        var name: String
        var blob: ObjectID
        var path: String
        var commit: String
        var date: String
    }

    /// The merged promotions of one commit's first-parent history, oldest first.
    struct Chain {
        var end: ObjectID
        var promotions: [Promotion]
    }

    let file: String
    private let stamp: [UInt8]
    private(set) var chain: Chain?
    /// Answers read from the file and found by this run, in that order, by key.
    private var lastChanges: [String: ObjectID] = [:]
    private var lastChangeOrder: [(head: ObjectID, path: String)] = []
    private var ancestry: [String: Bool] = [:]
    private var ancestryOrder: [(ancestor: ObjectID, commit: ObjectID)] = []
    /// How many of each were read from the file (the rest were found by this run).
    private var keptCounts = (lastChanges: 0, ancestry: 0)
    private var newChain: Chain?
    private let lock = NSLock()

    init?(gitDirectory: String, executable: String? = StoreFile.executablePath()) {
        guard let stamp = StoreFile.stamp(format: "history 5", executable: executable) else { return nil }
        self.stamp = stamp
        file = gitDirectory + "/" + ReadingStore.directoryName + "/" + HistoryStore.fileName
        load()
    }

    // MARK: HistoryAnswers

    func lastChange(of path: String, from head: ObjectID) -> ObjectID? {
        lock.withLock { lastChanges[head.hex + "\u{0}" + path] }
    }

    func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) -> Bool? {
        lock.withLock { ancestry[ancestor.hex + commit.hex] }
    }

    func found(lastChange: ObjectID, of path: String, from head: ObjectID) {
        lock.withLock {
            let key = head.hex + "\u{0}" + path
            if lastChanges.updateValue(lastChange, forKey: key) == nil { lastChangeOrder.append((head, path)) }
        }
    }

    func found(isAncestor: Bool, _ ancestor: ObjectID, of commit: ObjectID) {
        lock.withLock {
            if ancestry.updateValue(isAncestor, forKey: ancestor.hex + commit.hex) == nil { ancestryOrder.append((ancestor, commit)) }
        }
    }

    /// The chain this run walked, to be written by `save`.
    func keep(_ chain: Chain) {
        newChain = chain
    }

    /// Writes the answers (this run's first, then the kept ones, up to the limit) and the newest chain.
    func save() {
        lock.lock()
        defer { lock.unlock() }
        guard newChain != nil || lastChangeOrder.count != keptCounts.lastChanges || ancestryOrder.count != keptCounts.ancestry else { return }
        var output = StoreFile.Writer(magic: HistoryStore.magic, stamp: stamp)
        if let chain = newChain ?? chain {
            output.field("chain")
            output.field(chain.end.hex)
            output.field(String(chain.promotions.count))
            for promotion in chain.promotions {
                for value in [promotion.model, promotion.name, promotion.blob.hex, promotion.path, promotion.commit, promotion.date] {
                    output.field(value)
                }
            }
        }
        // This run's answers first, then the kept ones, up to the limit.
        let answers = lastChangeOrder[keptCounts.lastChanges...] + lastChangeOrder[..<keptCounts.lastChanges]
        for (head, path) in answers.prefix(HistoryStore.maxLastChanges) {
            guard let commit = lastChanges[head.hex + "\u{0}" + path] else { continue }
            output.field("last")
            output.field(head.hex)
            output.field(path)
            output.field(commit.hex)
        }
        let relations = ancestryOrder[keptCounts.ancestry...] + ancestryOrder[..<keptCounts.ancestry]
        for (ancestor, commit) in relations.prefix(HistoryStore.maxLastChanges) {
            guard let answer = ancestry[ancestor.hex + commit.hex] else { continue }
            output.field("ancestry")
            output.field(ancestor.hex)
            output.field(commit.hex)
            output.field(answer ? "1" : "0")
        }
        output.write(to: file)
    }

    private func load() {
        guard let (bytes, fields) = StoreFile.read(file, magic: HistoryStore.magic, stamp: stamp) else { return }
        var index = 0
        func next() -> String? {
            guard index < fields.count else { return nil }
            defer { index += 1 }
            return String(decoding: bytes[fields[index]], as: UTF8.self)
        }
        var answers: [(ObjectID, String, ObjectID)] = []
        var relations: [(ObjectID, ObjectID, Bool)] = []
        var chain: Chain?
        while let tag = next() {
            switch tag {
            case "chain":
                guard let end = next().flatMap(ObjectID.init(hex:)), let count = next().flatMap({ Int($0) }),
                      count >= 0, count <= fields.count else { return }
                var promotions: [Promotion] = []
                for _ in 0..<count {
                    guard let model = next(), let name = next(), let blob = next().flatMap(ObjectID.init(hex:)),
                          let path = next(), let commit = next(), let date = next() else { return }
                    promotions.append(Promotion(model: model, name: name, blob: blob, path: path, commit: commit, date: date))
                }
                chain = Chain(end: end, promotions: promotions)
            case "last":
                guard let head = next().flatMap(ObjectID.init(hex:)), let path = next(),
                      let commit = next().flatMap(ObjectID.init(hex:)) else { return }
                answers.append((head, path, commit))
            case "ancestry":
                guard let ancestor = next().flatMap(ObjectID.init(hex:)), let commit = next().flatMap(ObjectID.init(hex:)),
                      let answer = next(), answer == "1" || answer == "0" else { return }
                relations.append((ancestor, commit, answer == "1"))
            default:
                return  // not written by this version: keep nothing
            }
        }
        self.chain = chain
        for (head, path, commit) in answers { found(lastChange: commit, of: path, from: head) }
        for (ancestor, commit, answer) in relations { found(isAncestor: answer, ancestor, of: commit) }
        keptCounts = (lastChangeOrder.count, ancestryOrder.count)
    }
}
