import Documents

/// One part of a check split across machines (`policy check --shard K/N`): the subjects whose
/// key hashes to part K of N. Every result of a report is a subject (a document, a file that
/// could not be read as one, a policy file with a `policy/runbook` warning), so one rule
/// partitions the whole report: the shards' reports are disjoint and their union is the
/// unsharded report (`policy merge-reports`).
///
/// The key is the subject as reports print it (`Subject.description`: `Kind/name`, or the
/// file's path for a file that is not a document); its hash is the first 8 bytes of the
/// SHA-256 of the key's UTF-8, read as a big-endian unsigned integer, and the subject is in
/// shard `1 + hash mod N`. It depends on nothing but the key and N: a subject added to the
/// repository never moves another, and every machine computes the same partition (Swift's
/// `Hasher` is seeded per process and is never used for it).
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// The most shards a check may be split into.
    public static let maximumCount = 1000

    public init?(index: Int, count: Int) {
        guard (1...Self.maximumCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N`, or why it is not one.
    public static func parse(_ text: String) -> Result<Shard, ShardSyntaxError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return .failure(ShardSyntaxError("--shard takes K/N, the 1-based index of this shard and the number of shards (e.g. 2/4); got '\(text)'"))
        }
        guard (1...maximumCount).contains(count) else {
            return .failure(ShardSyntaxError("--shard \(text): the number of shards must be between 1 and \(maximumCount)"))
        }
        guard let shard = Shard(index: index, count: count) else {
            return .failure(ShardSyntaxError("--shard \(text): the index must be between 1 and \(count)"))
        }
        return .success(shard)
    }

    public var description: String { "\(index)/\(count)" }

    /// The key a subject is partitioned by.
    public static func key(of subject: Subject) -> String { subject.description }

    /// The first 8 bytes of SHA-256 of `key` (UTF-8), big-endian.
    public static func hash(_ key: String) -> UInt64 {
        UInt64(ContentHash.sha256Hex(Array(key.utf8)).prefix(16), radix: 16) ?? 0
    }

    /// The 1-based shard of `subject` among `count`.
    public static func index(of subject: Subject, count: Int) -> Int {
        Int(hash(key(of: subject)) % UInt64(count)) + 1
    }

    public func contains(_ subject: Subject) -> Bool {
        Self.index(of: subject, count: count) == index
    }
}

public struct ShardSyntaxError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
