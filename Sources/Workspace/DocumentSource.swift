import Foundation
import GitKit
import Documents

/// Where `Workspace.load` gets the reading of each file of a snapshot. The plain source parses;
/// caches are decorators that answer the same question and wrap it:
///
///     InProcessDocumentSource(        — blobs parsed in this process (shared with history walks)
///         StoredDocumentSource(       — local modes only: .git/tollgate/readings
///             ParsingDocumentSource()))
///
/// A decorator gives back only what the source it wraps gave for the same bytes and path, so
/// no verdict depends on whether a cache exists, is warm, or is damaged (a record that does not
/// decode is a miss); `LocalStoresTests` and `ModeEquivalenceTests` compare every mode with
/// `--no-cache`.
protocol DocumentSource {
    /// The reading of each of `paths` in `snapshot`. `bytes` holds files a caller already read.
    func readings(of paths: [String], in snapshot: Snapshot, bytes: [String: [UInt8]]) throws -> [String: DocumentLoader.Reading]
}

/// Reads and parses, on every core (`DocumentLoader.readAll`).
struct ParsingDocumentSource: DocumentSource {
    func readings(of paths: [String], in snapshot: Snapshot, bytes: [String: [UInt8]]) throws -> [String: DocumentLoader.Reading] {
        let files = try paths.map { path in (bytes: try bytes[path] ?? snapshot.read(path), path: path) }
        return Dictionary(uniqueKeysWithValues: zip(paths, DocumentLoader.readAll(files)))
    }
}

/// The blobs this process has parsed (`DocumentCache`): a history walk and the check read the
/// same blobs. Files without a blob id (the working tree) pass through.
struct InProcessDocumentSource: DocumentSource {
    let base: any DocumentSource
    let cache: DocumentCache

    func readings(of paths: [String], in snapshot: Snapshot, bytes: [String: [UInt8]]) throws -> [String: DocumentLoader.Reading] {
        var result: [String: DocumentLoader.Reading] = [:]
        var missing: [String] = []
        for path in paths {
            if let blob = snapshot.blobID(path), let known = cache[blob, path] {
                result[path] = known
            } else {
                missing.append(path)
            }
        }
        for (path, reading) in try base.readings(of: missing, in: snapshot, bytes: bytes) {
            result[path] = reading
            if let blob = snapshot.blobID(path) { cache[blob, path] = reading }
        }
        return result
    }
}

/// What local checks keep between runs (`ReadingStore`), keyed by the blob id of the bytes and
/// the path: kept readings are decoded (on every core), the rest come from the wrapped source
/// and are kept. Working-tree files, which have no blob id, are kept under the id git would
/// give their bytes.
struct StoredDocumentSource: DocumentSource {
    let base: any DocumentSource
    let store: ReadingStore

    func readings(of paths: [String], in snapshot: Snapshot, bytes: [String: [UInt8]]) throws -> [String: DocumentLoader.Reading] {
        var read = bytes
        var contentIDs: [String: ObjectID] = [:]
        var kept: [(blob: ObjectID, path: String)] = []
        var missing: [String] = []
        for path in paths {
            var content = snapshot.blobID(path)
            if content == nil {
                let fileBytes = try read[path] ?? snapshot.read(path)
                read[path] = fileBytes
                content = try? Repository.blobID(hashing: fileBytes)
            }
            guard let content else {
                missing.append(path)
                continue
            }
            contentIDs[path] = content
            if store.contains(blob: content, path: path) { kept.append((content, path)) } else { missing.append(path) }
        }
        var result: [String: DocumentLoader.Reading] = [:]
        for (key, reading) in zip(kept, store.readings(kept)) {
            if let reading { result[key.path] = reading } else { missing.append(key.path) }
        }
        for (path, reading) in try base.readings(of: missing, in: snapshot, bytes: read) {
            result[path] = reading
            if let content = contentIDs[path] { store.keep(reading, blob: content, path: path) }
        }
        return result
    }
}
