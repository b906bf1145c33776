import Documents
import GitKit

/// Rejections that the history of the evaluated commit once held and no longer holds as they
/// were (SPEC §3: a reject stands until its own author withdraws it by a signed commit, or the
/// bundle changes). Found once per run and directory: the commits accountable for the changes
/// of the directory (`Repository.accountableChanges`, the same walk that attributes approvals,
/// so a merge answers for what it changes relative to its first parent), each compared with
/// its first parent — and a merge also with its other parents, for a rejection it dropped.
///
/// Bound: the newest `maxChanges` changes of each directory (its accountable changes, not
/// its commits: the walk between them is the one `lastChange` makes, remembered like it). Not seen: a rejection added and
/// removed on a side branch whose merge left the directory as its first parent had it (a
/// range check of that branch, `--base`, sees it).
final class RejectionHistory: @unchecked Sendable {
    /// A rejection that left the state of a commit, and the commit accountable for it.
    struct Removal {
        /// The rejection as it was.
        var rejection: Document
        /// A commit that held it (the walk that attributes it starts there).
        var heldIn: ObjectID
        /// The commit accountable for the removal.
        var remover: ObjectID
        /// What the file holds after the removal (nil: deleted, or not an Approval).
        var replacement: Document?
    }

    /// The changes of a directory looked at, at most (the newest).
    static let maxChanges = 20_000

    let repository: Repository
    let head: ObjectID
    private var byDirectory: [String: [Removal]] = [:]
    /// The first failure to read the history of a directory: a rejection someone removed may
    /// be hidden behind it, so the check must not stand (`ApprovalAttributor.historyError`).
    private(set) var firstError: (any Error)?
    private var readings: [String: Document?] = [:]
    private var notRejections: Set<ObjectID> = []
    private static let reject = Array("reject".utf8)

    private static func contains(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        guard bytes.count >= word.count else { return false }
        for start in 0...(bytes.count - word.count) where bytes[start] == word[0] {
            if bytes[start..<(start + word.count)].elementsEqual(word) { return true }
        }
        return false
    }

    init(repository: Repository, head: ObjectID) {
        self.repository = repository
        self.head = head
    }

    /// The removed rejections under `directory` (a directory or a file path).
    func failed(_ error: any Error) {
        if firstError == nil { firstError = error }
    }

    func removals(under directory: String) throws -> [Removal] {
        if let known = byDirectory[directory] { return known }
        var found: [Removal] = []
        var seen: Set<String> = []
        func add(_ removal: Removal) {
            let key = removal.rejection.file + "\u{0}" + removal.remover.hex
            if seen.insert(key).inserted { found.append(removal) }
        }
        for change in try repository.accountableChanges(of: directory, from: head, limit: RejectionHistory.maxChanges) {
            let parents = try repository.commit(change).parents
            guard let first = parents.first else { continue }
            for difference in try repository.changes(under: directory, from: first, to: change) {
                guard let old = difference.old, let rejection = try rejection(old, path: difference.path) else { continue }
                let remover: ObjectID
                switch try repository.step(for: difference.path, in: change) {
                case .accountable:
                    remover = change
                case .mergedFrom(let side):
                    // New work merged cleanly: the side branch's own commit removed it.
                    guard let sideChange = try repository.accountableChange(of: difference.path, from: side) else { continue }
                    remover = sideChange
                case .same:
                    continue
                }
                add(Removal(rejection: rejection, heldIn: first, remover: remover,
                            replacement: try difference.new.flatMap { (blob) throws in try document(blob, path: difference.path) }))
            }
            // A merge that drops a rejection a side branch held answers for it, unless it kept
            // the first parent's own later change of that file (which the walk meets itself).
            for side in parents.dropFirst() {
                for difference in try repository.changes(under: directory, from: side, to: change) {
                    guard let old = difference.old, let rejection = try rejection(old, path: difference.path) else { continue }
                    if try repository.entryID(atPath: difference.path, inCommit: first) == old { continue }
                    if try repository.tookCleanly(difference.path, in: change, from: first, over: side) { continue }
                    add(Removal(rejection: rejection, heldIn: side, remover: change,
                                replacement: try difference.new.flatMap { (blob) throws in try document(blob, path: difference.path) }))
                }
            }
        }
        byDirectory[directory] = found
        return found
    }

    /// The Approval document with `decision: reject` a blob holds, if it holds one.
    func rejection(_ blob: ObjectID, path: String) throws -> Document? {
        if notRejections.contains(blob) { return nil }
        // Most changed files are no rejection: look for the word before parsing.
        let bytes = try repository.blob(blob)
        guard Self.contains(bytes, Self.reject) else {
            notRejections.insert(blob)
            return nil
        }
        guard let document = try document(blob, path: path), document.text("decision") == "reject" else { return nil }
        return document
    }

    /// The Approval document a blob holds at `path`, if it holds one (read once per blob and path).
    func document(_ blob: ObjectID, path: String) throws -> Document? {
        let key = blob.hex + path
        if let known = readings[key] { return known }
        var found: Document?
        if case .document(let document, _) = DocumentLoader.read(try repository.blob(blob), path: path),
           document.kind == .approval {
            found = document
        }
        readings[key] = .some(found)
        return found
    }
}
