import Foundation
import GitKit
import Documents

/// Readings of documents kept between runs of the local modes (`policy check` and
/// `policy check --staged`), in `.git/tollgate/readings`, so that a pre-commit check parses
/// only the files that changed since the last run instead of every document of the repository.
///
/// A reading is kept under the git blob id of the exact bytes that were parsed and the path
/// they were read at (locations name the path), and the whole file under the identity of the
/// `policy` executable that wrote it: another build — another parser, another schema — starts
/// from an empty store. A record that does not decode exactly is a miss and the file is parsed.
/// The store is never read in `--rev` or `--base` mode: the verdict that gates a merge comes
/// from parsing what is in the commits. It is only an accelerator: when it cannot be read or
/// written, the check goes on without it.
final class ReadingStore: @unchecked Sendable {
    static let directoryName = "tollgate"
    static let fileName = "readings"
    private static let magic = Array("TOLLGATE-READINGS\n".utf8)

    struct Key: Hashable {
        var blob: String
        var path: String
    }

    let file: String
    private let fingerprint: [UInt8]
    private var bytes: [UInt8] = []
    private var records: [Key: Range<Int>] = [:]
    private var recordOrder: [Key] = []
    private var fresh: [Key: [UInt8]] = [:]
    private var used: Set<Key> = []
    private let lock = NSLock()

    /// Counts for tests and `TOLLGATE_DEBUG_CACHE`: readings given back, and stored.
    private(set) var hits = 0
    private(set) var stored = 0

    /// The store of a repository's git directory; nil when this executable cannot be identified
    /// (then nothing could tell its records from another build's).
    init?(gitDirectory: String, executable: String? = StoreFile.executablePath()) {
        guard let stamp = StoreFile.stamp(format: "readings \(ReadingCodec.version)", executable: executable) else { return nil }
        file = gitDirectory + "/" + ReadingStore.directoryName + "/" + ReadingStore.fileName
        fingerprint = stamp
        load()
    }

    // MARK: - Lookup

    func contains(blob: ObjectID, path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return records[Key(blob: blob.hex, path: path)] != nil
    }

    /// The kept readings of these contents, decoded on every core; nil where a record is
    /// missing or does not decode (the caller parses the file).
    func readings(_ wanted: [(blob: ObjectID, path: String)]) -> [DocumentLoader.Reading?] {
        let keys = wanted.map { Key(blob: $0.blob.hex, path: $0.path) }
        let ranges = lock.withLock { keys.map { records[$0] } }
        let bytes = self.bytes
        let readings = DocumentLoader.inParallel(keys.count) { index -> DocumentLoader.Reading? in
            guard let range = ranges[index] else { return nil }
            return ReadingCodec.decode(bytes, range, file: keys[index].path)
        }
        lock.withLock {
            for (key, reading) in zip(keys, readings) where reading != nil {
                used.insert(key)
                hits += 1
            }
        }
        return readings
    }

    func keep(_ reading: DocumentLoader.Reading, blob: ObjectID, path: String) {
        let encoded = ReadingCodec.encode(reading, file: path)
        let key = Key(blob: blob.hex, path: path)
        lock.lock()
        fresh[key] = encoded
        used.insert(key)
        stored += 1
        lock.unlock()
    }

    // MARK: - File

    /// Writes the store if this run added readings: what this run used, then older records
    /// while the file holds at most twice as many (so switching between the index and the
    /// working tree keeps both).
    func save() {
        lock.lock()
        defer { lock.unlock() }
        guard !fresh.isEmpty else { return }
        var output = StoreFile.Writer(magic: ReadingStore.magic, stamp: fingerprint)
        var written: Set<Key> = []
        func write(_ key: Key, _ payload: ArraySlice<UInt8>) {
            guard written.insert(key).inserted else { return }
            output.field(key.blob)
            output.field(key.path)
            output.field(payload)
        }
        for (key, payload) in fresh.sorted(by: { ($0.key.path, $0.key.blob) < ($1.key.path, $1.key.blob) }) {
            write(key, payload[...])
        }
        for key in recordOrder where used.contains(key) {
            if let range = records[key] { write(key, bytes[range]) }
        }
        let limit = 2 * written.count + 256
        for key in recordOrder where written.count < limit {
            if let range = records[key] { write(key, bytes[range]) }
        }
        output.write(to: file)
    }

    /// Reads the record table (blob, path, payload); a record cut short is left out.
    private func load() {
        guard let (content, fields) = StoreFile.read(file, magic: ReadingStore.magic, stamp: fingerprint) else { return }
        for start in stride(from: 0, to: fields.count - 2, by: 3) {
            let key = Key(blob: String(decoding: content[fields[start]], as: UTF8.self),
                          path: String(decoding: content[fields[start + 1]], as: UTF8.self))
            if records.updateValue(fields[start + 2], forKey: key) == nil { recordOrder.append(key) }
        }
        bytes = content
    }
}
