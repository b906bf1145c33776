internal import CLibGit2
#if canImport(Glibc)
import Glibc
#endif

/// Compares two trees entry by entry, descending only into subtrees whose ids differ.
///
/// libgit2 1.5's `git_diff_tree_to_tree` visits every entry of both trees; in a repository
/// of thousands of documents that made each commit's diff cost milliseconds, and a walk
/// through 100,000 commits minutes (docs/performance.md). Here an unchanged directory costs
/// one id comparison. Trees are compared as git stores them (`<mode> <name>\0<20-byte id>`
/// entries in git's order), straight from the object database: an entry identical on both
/// sides is one `memcmp`, and nothing is parsed or copied but the changed entries. (Parsing
/// each tree into libgit2's entry array was most of a history walk's time in a directory of
/// 2,000 requests.)
struct TreeComparison {
    let repository: RepositoryHandle
    private(set) var changes: [TreeChange] = []
    private var database: ObjectDatabaseHandle?

    init(repository: RepositoryHandle) {
        self.repository = repository
    }

    /// Records every path whose entry differs between `old` and `new` (nil: the empty tree).
    mutating func compare(_ old: TreeHandle?, _ new: TreeHandle?, prefix: String = "") throws(GitError) {
        try compare(old.map { ObjectID(git_tree_id($0.pointer).pointee) }, new.map { ObjectID(git_tree_id($0.pointer).pointee) },
                    prefix: prefix)
    }

    /// Records every path whose entry differs between the trees `old` and `new` (nil: the empty tree).
    mutating func compare(_ old: ObjectID?, _ new: ObjectID?, prefix: String = "") throws(GitError) {
        if old == new { return }
        let left = try old.map { (id) throws(GitError) in try read(id) } ?? RawTree.empty
        let right = try new.map { (id) throws(GitError) in try read(id) } ?? RawTree.empty
        try compare(left, right, prefix: prefix)
    }

    private mutating func read(_ id: ObjectID) throws(GitError) -> RawTree {
        if database == nil { database = try ObjectDatabaseHandle.of(repository) }
        // Trees of walks are not evidence: libgit2 read them unverified before as well as
        // now (ObjectVerification says what is hashed).
        let object = try database!.read(id, verify: false)
        guard object.kind == GIT_OBJECT_TREE else {
            throw GitError(code: .other(-1), message: "object \(id.hex) is damaged: it is not a tree")
        }
        return RawTree(id: id, object: object)
    }

    private mutating func compare(_ old: RawTree, _ new: RawTree, prefix: String) throws(GitError) {
        // Most of a large directory is the same on both sides: the entries inside the bytes both
        // trees start with are skipped without comparing them (their offsets are the same on
        // both sides), and the comparison ends once both sides stand at an entry from which
        // their remaining bytes are the same (the bytes both trees end with).
        let head = RawTree.commonPrefix(old, new)
        let tail = RawTree.commonSuffix(old, new)
        var start = 0
        while let entry = try old.entry(at: start), entry.end <= head { start = entry.end }
        var i = try old.entry(at: start)
        var j = try new.entry(at: start)
        while true {
            if let a = i, let b = j, old.bytes.count - a.start == new.bytes.count - b.start, old.bytes.count - a.start <= tail {
                return
            }
            switch (i, j) {
            case (nil, nil):
                return
            case (let a?, nil):
                try changed(old, a, nil, nil, prefix: prefix)
                i = try old.entry(at: a.end)
            case (nil, let b?):
                try changed(nil, nil, new, b, prefix: prefix)
                j = try new.entry(at: b.end)
            case (let a?, let b?):
                // The common case first: the same entry on both sides (same mode, name and id).
                if old.sameRecord(a, new, b) {
                    i = try old.entry(at: a.end)
                    j = try new.entry(at: b.end)
                    continue
                }
                switch TreeComparison.order(old, a, new, b) {
                case .same:
                    try changed(old, a, new, b, prefix: prefix)
                    i = try old.entry(at: a.end)
                    j = try new.entry(at: b.end)
                case .leftFirst:
                    try changed(old, a, nil, nil, prefix: prefix)
                    i = try old.entry(at: a.end)
                case .rightFirst:
                    try changed(nil, nil, new, b, prefix: prefix)
                    j = try new.entry(at: b.end)
                }
            }
        }
    }

    /// One name differs (or only its mode or id): a file (or link, or submodule) is recorded;
    /// a directory is compared in turn. A path that is a file on one side and a directory on
    /// the other is both.
    private mutating func changed(_ oldTree: RawTree?, _ old: RawTree.Entry?, _ newTree: RawTree?, _ new: RawTree.Entry?,
                                  prefix: String) throws(GitError) {
        let path = prefix + (old.map { oldTree!.name(of: $0) } ?? newTree!.name(of: new!))
        let oldSubtree = old.flatMap { $0.isTree ? oldTree!.id(of: $0) : nil }
        let newSubtree = new.flatMap { $0.isTree ? newTree!.id(of: $0) : nil }
        if oldSubtree != nil || newSubtree != nil {
            try compare(oldSubtree, newSubtree, prefix: path + "/")
        }
        let oldFile = old.flatMap { $0.isTree ? nil : $0 }
        let newFile = new.flatMap { $0.isTree ? nil : $0 }
        if oldFile != nil || newFile != nil {
            let oldMode = oldFile?.fileMode
            let newMode = newFile?.fileMode
            let oldID = oldFile.map { oldTree!.id(of: $0) }
            let newID = newFile.map { newTree!.id(of: $0) }
            // Two files that differ only in mode bits git does not keep (100664 and 100644) are the same.
            if oldID != nil, oldID == newID, oldMode == newMode { return }
            changes.append(TreeChange(path: path, old: oldID, new: newID, oldMode: oldMode, newMode: newMode))
        }
    }

    enum Order { case same, leftFirst, rightFirst }

    /// Git's tree order: names compared as bytes, a directory's name as if followed by "/".
    static func order(_ leftTree: RawTree, _ a: RawTree.Entry, _ rightTree: RawTree, _ b: RawTree.Entry) -> Order {
        let x = leftTree.bytes, y = rightTree.bytes
        var p = a.nameStart, q = b.nameStart
        while true {
            let leftEnded = p == a.nameEnd
            let rightEnded = q == b.nameEnd
            if leftEnded && rightEnded { return .same }
            let c = leftEnded ? (a.isTree ? UInt8(ascii: "/") : 0) : x[p]
            let d = rightEnded ? (b.isTree ? UInt8(ascii: "/") : 0) : y[q]
            if c != d { return c < d ? .leftFirst : .rightFirst }
            if leftEnded || rightEnded { return leftEnded ? .leftFirst : .rightFirst }
            p += 1; q += 1
        }
    }
}

/// A tree object's bytes as git stores them, read without libgit2's parser. Every entry is
/// checked as it is reached: a damaged tree is an error naming it, never a read out of bounds.
/// Immutable once made (the empty tree is shared).
final class RawTree: @unchecked Sendable {
    let id: ObjectID?
    let object: RawObjectHandle?
    let bytes: UnsafeBufferPointer<UInt8>

    /// The empty tree (a side that has no tree).
    static let empty = RawTree()

    private init() {
        id = nil
        object = nil
        bytes = UnsafeBufferPointer(start: nil, count: 0)
    }

    init(id: ObjectID, object: RawObjectHandle) {
        self.id = id
        self.object = object
        let size = git_odb_object_size(object.pointer)
        if size > 0, let raw = git_odb_object_data(object.pointer) {
            bytes = UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: size)
        } else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
        }
    }

    /// One entry: `<mode> <name>\0<id>` from `start` to `end` (the id's last byte + 1).
    struct Entry {
        var start: Int
        var nameStart: Int
        var nameEnd: Int
        var end: Int
        var mode: UInt32

        var isTree: Bool { mode & 0o170000 == 0o040000 }

        /// The mode as libgit2 reports it (`git_tree_entry_filemode`): normalized to the
        /// five modes git writes.
        var fileMode: UInt32 {
            if mode & 0o170000 == 0o040000 { return 0o040000 }
            if mode & 0o100 != 0 { return 0o100755 }
            if mode & 0o170000 == 0o160000 { return 0o160000 }
            if mode & 0o170000 == 0o120000 { return 0o120000 }
            return 0o100644
        }
    }

    /// The entry that starts at `start` (0, or the end of the one before); nil at the end.
    @inline(__always)
    func entry(at start: Int) throws(GitError) -> Entry? {
        guard start < bytes.count else { return nil }
        var index = start
        var mode: UInt32 = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: " ") {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 8, index - start < 7 else { throw damaged("a bad mode") }
            mode = mode << 3 | UInt32(digit)
            index += 1
        }
        guard index > start, index < bytes.count else { throw damaged("an entry without a name") }
        let nameStart = index + 1
        var nameEnd = bytes.count
        if nameStart < bytes.count, let found = memchr(bytes.baseAddress! + nameStart, 0, bytes.count - nameStart) {
            nameEnd = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - bytes.baseAddress!
        }
        guard nameEnd > nameStart, nameEnd + 21 <= bytes.count else { throw damaged("an entry cut short") }
        return Entry(start: start, nameStart: nameStart, nameEnd: nameEnd, end: nameEnd + 21, mode: mode)
    }

    private func damaged(_ what: String) -> GitError {
        GitError(code: .other(-1), message: "tree \(id?.hex ?? "?") is damaged: \(what)")
    }

    /// How many bytes the two trees start with in common.
    static func commonPrefix(_ a: RawTree, _ b: RawTree) -> Int {
        let count = min(a.bytes.count, b.bytes.count)
        guard count > 0 else { return 0 }
        let x = UnsafeRawPointer(a.bytes.baseAddress!), y = UnsafeRawPointer(b.bytes.baseAddress!)
        var index = 0
        while index + 8 <= count, x.loadUnaligned(fromByteOffset: index, as: UInt64.self) == y.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
            index += 8
        }
        while index < count, a.bytes[index] == b.bytes[index] { index += 1 }
        return index
    }

    /// How many bytes the two trees end with in common.
    static func commonSuffix(_ a: RawTree, _ b: RawTree) -> Int {
        let count = min(a.bytes.count, b.bytes.count)
        guard count > 0 else { return 0 }
        let x = UnsafeRawPointer(a.bytes.baseAddress!) + a.bytes.count, y = UnsafeRawPointer(b.bytes.baseAddress!) + b.bytes.count
        var length = 0
        while length + 8 <= count, x.loadUnaligned(fromByteOffset: -length - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: -length - 8, as: UInt64.self) {
            length += 8
        }
        while length < count, a.bytes[a.bytes.count - 1 - length] == b.bytes[b.bytes.count - 1 - length] { length += 1 }
        return length
    }

    /// Whether two entries are byte for byte the same (mode, name and id).
    @inline(__always)
    func sameRecord(_ entry: Entry, _ other: RawTree, _ otherEntry: Entry) -> Bool {
        let count = entry.end - entry.start
        guard count == otherEntry.end - otherEntry.start else { return false }
        return memcmp(bytes.baseAddress! + entry.start, other.bytes.baseAddress! + otherEntry.start, count) == 0
    }

    func name(of entry: Entry) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[entry.nameStart..<entry.nameEnd]), as: UTF8.self)
    }

    func id(of entry: Entry) -> ObjectID {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[(entry.nameEnd + 1)..<entry.end]))
        }
        return ObjectID(oid)
    }
}
