import Foundation
import Documents
import GitKit

/// Documents read from blobs, shared for the life of a `Workspace`: the check, the walk for
/// merged promotions and the audit read the same blobs again and again. The path is part of
/// the key because a document remembers where it was read. Per path only the two most
/// recent blobs are kept — a walk through history needs a file's content before and after
/// a commit — so memory follows the number of files, not the length of the history.
final class DocumentCache: @unchecked Sendable {
    static let blobsPerPath = 2
    private var byPath: [String: [(blob: ObjectID, reading: DocumentLoader.Reading)]] = [:]

    /// Readings parsed ahead of a walk (see `prefetch`), until the next prefetch.
    private var ahead: [Key: DocumentLoader.Reading] = [:]
    /// Blobs the last prefetch was told not to parse. They are no readings: a cache holds only
    /// what parsing the blob gives, whoever asks (a placeholder here once made the documents
    /// of a staged check vanish after a history walk had refused them).
    private var refused: Set<Key> = []

    struct Key: Hashable {
        var blob: ObjectID
        var path: String
    }

    subscript(blob: ObjectID, path: String) -> DocumentLoader.Reading? {
        get { ahead[Key(blob: blob, path: path)] ?? byPath[path]?.last { $0.blob == blob }?.reading }
        set {
            var kept = (byPath[path] ?? []).filter { $0.blob != blob }
            if let newValue { kept.append((blob, newValue)) }
            byPath[path] = Array(kept.suffix(DocumentCache.blobsPerPath))
        }
    }

    /// Parses, on every core, the blobs a walk through history is about to read, so that the
    /// walk itself only looks them up. `wanted` sees each blob's bytes first: a blob it refuses
    /// is not parsed and is `isRefused` until the next prefetch (it is not cached: its reading
    /// is unknown). Each call replaces what the previous one parsed, so memory follows the
    /// batch, not the history.
    func prefetch(_ blobs: [(blob: ObjectID, path: String)], in repository: Repository,
                  wanted: @escaping @Sendable ([UInt8]) -> Bool = { _ in true }) throws {
        ahead = [:]
        refused = []
        var unread: [(bytes: [UInt8], path: String)] = []
        var keys: [Key] = []
        var listed: Set<Key> = []
        var toRead: [Key] = []
        for (blob, path) in blobs {
            let key = Key(blob: blob, path: path)
            guard self[blob, path] == nil, listed.insert(key).inserted else { continue }
            toRead.append(key)
        }
        // Read on every core (a repository handle per thread); only wanted blobs are hashed.
        let gitDirectory = repository.gitDirectory
        let ids = toRead.map(\.blob)
        let read = DocumentLoader.inParallel(ids.count) { index -> Result<[UInt8]?, GitError> in
            Result(catching: { () throws(GitError) -> [UInt8]? in
                try ThreadRepository.current(gitDirectory).blob(ids[index], ifWanted: wanted)
            })
        }
        for (key, result) in zip(toRead, read) {
            guard let bytes = try result.get() else {
                refused.insert(key)
                continue
            }
            unread.append((bytes, key.path))
            keys.append(key)
        }
        for (key, reading) in zip(keys, DocumentLoader.readAll(unread)) {
            ahead[key] = reading
        }
    }

    /// The reading of a blob, parsed now if it was not read before.
    /// Whether the last prefetch was told not to parse this blob (the walk skips it).
    func isRefused(_ blob: ObjectID, path: String) -> Bool {
        refused.contains(Key(blob: blob, path: path))
    }

    func reading(_ blob: ObjectID, path: String, in repository: Repository) throws -> DocumentLoader.Reading {
        if let known = ahead[Key(blob: blob, path: path)] {
            // Kept with the path's recent blobs: a walk meets this content again as the old
            // side of the path's next change, maybe batches later (parsed once, not twice).
            if byPath[path]?.last?.blob != blob { self[blob, path] = known }
            return known
        }
        if let known = self[blob, path] { return known }
        let reading = DocumentLoader.read(try repository.blob(blob), path: path)
        self[blob, path] = reading
        return reading
    }

    /// The document a blob holds, or nil when it holds none (or an unreadable one).
    func document(_ blob: ObjectID?, path: String, in repository: Repository) throws -> Document? {
        guard let blob, case .document(let document, _) = try reading(blob, path: path, in: repository) else { return nil }
        return document
    }
}
