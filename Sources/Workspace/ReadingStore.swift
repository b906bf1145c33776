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
/// Beside each reading it keeps the document's `DocumentSummary`, in an index at the front of
/// the file, so that a staged check reads the summaries and decodes only the readings it needs
/// (the file is mapped, not read).
///
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
    /// The store file, mapped; records point into it.
    private var content = Data()
    /// Each record's `DocumentSummary` and reading, as ranges of `content`.
    private var records: [Key: (summary: Range<Int>, reading: Range<Int>)] = [:]
    private var recordOrder: [Key] = []
    private var fresh: [Key: (summary: [UInt8], reading: [UInt8])] = [:]
    private var used: Set<Key> = []
    private let lock = NSLock()

    /// Readings given back, and readings stored, by this run (`CheckRun.storeUse`).
    private(set) var hits = 0
    private(set) var stored = 0

    /// The store of a repository's git directory; nil when this executable cannot be identified
    /// (then nothing could tell its records from another build's).
    init?(gitDirectory: String, executable: String? = StoreFile.executablePath()) {
        guard let stamp = StoreFile.stamp(format: "readings \(ReadingCodec.version) indexed 2", executable: executable) else { return nil }
        file = gitDirectory + "/" + ReadingStore.directoryName + "/" + ReadingStore.fileName
        fingerprint = stamp
        load()
    }

    // MARK: - Lookup

    func contains(blob: ObjectID, path: String) -> Bool {
        lock.withLock { records[Key(blob: blob.hex, path: path)] != nil }
    }

    /// The kept readings of these contents, decoded on every core; nil where a record is
    /// missing or does not decode (the caller parses the file).
    func readings(_ wanted: [(blob: ObjectID, path: String)]) -> [DocumentLoader.Reading?] {
        let keys = wanted.map { Key(blob: $0.blob.hex, path: $0.path) }
        let ranges = lock.withLock { keys.map { records[$0]?.reading } }
        let content = self.content
        let readings = DocumentLoader.inParallel(keys.count) { index -> DocumentLoader.Reading? in
            guard let range = ranges[index] else { return nil }
            return content.withUnsafeBytes { ReadingCodec.decode($0, range, file: keys[index].path) }
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
        let encoded = (DocumentSummary.encode(reading), ReadingCodec.encode(reading, file: path))
        lock.withLock {
            let key = Key(blob: blob.hex, path: path)
            fresh[key] = encoded
            used.insert(key)
            stored += 1
        }
    }

    /// The summary kept for a content at a path, without decoding the reading: `.some(nil)`
    /// when the reading is no document, nil when nothing (readable) is kept.
    func summary(blob: ObjectID, path: String) -> DocumentSummary?? {
        let key = Key(blob: blob.hex, path: path)
        lock.lock()
        defer { lock.unlock() }
        if let kept = fresh[key] { return DocumentSummary.decode(kept.summary, kept.summary.indices, file: path) }
        guard let range = records[key]?.summary else { return nil }
        return content.withUnsafeBytes { DocumentSummary.decode($0, range, file: path) }
    }

    // MARK: - File

    // Layout: the magic line; the stamp and the index as `StoreFile` fields — the stamp, then
    // the index's length, then per record its blob, path, summary, and the offset and length of
    // its reading in the area that follows the index; then that area.

    /// Writes the store if this run added readings: what this run used, then older records
    /// while the file holds at most twice as many (so switching between the index and the
    /// working tree keeps both).
    func save() {
        lock.lock()
        defer { lock.unlock() }
        guard !fresh.isEmpty else { return }
        var index = StoreFile.Writer()
        var area: [UInt8] = []
        var written: Set<Key> = []
        func write(_ key: Key, _ summary: ArraySlice<UInt8>, _ reading: ArraySlice<UInt8>) {
            guard written.insert(key).inserted else { return }
            index.field(key.blob)
            index.field(key.path)
            index.field(summary)
            index.field(String(area.count))
            index.field(String(reading.count))
            area.append(contentsOf: reading)
        }
        for (key, payload) in fresh.sorted(by: { ($0.key.path, $0.key.blob) < ($1.key.path, $1.key.blob) }) {
            write(key, payload.summary[...], payload.reading[...])
        }
        let old = [UInt8](content)
        for key in recordOrder where used.contains(key) {
            if let ranges = records[key] { write(key, old[ranges.summary], old[ranges.reading]) }
        }
        let limit = 2 * written.count + 256
        for key in recordOrder where written.count < limit {
            if let ranges = records[key] { write(key, old[ranges.summary], old[ranges.reading]) }
        }
        let indexBytes = index.output
        var output = StoreFile.Writer(magic: ReadingStore.magic, stamp: fingerprint)
        output.field(String(indexBytes.count))
        output.append(indexBytes)
        output.append(area)
        output.write(to: file)
    }

    /// Maps the file and reads its index; a file of another build or format, or one whose index
    /// does not fit, is no store.
    private func load() {
        guard let mapped = try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) else { return }
        mapped.withUnsafeBytes { bytes in
            var reader = StoreFile.FieldReader(bytes, from: 0)
            guard reader.skip(ReadingStore.magic), let stamp = reader.next(),
                  bytes[stamp].elementsEqual(fingerprint), let length = reader.nextInt(),
                  length <= bytes.count - reader.position else { return }
            let areaStart = reader.position + length
            var index = StoreFile.FieldReader(bytes, from: reader.position, end: areaStart)
            var found: [Key: (summary: Range<Int>, reading: Range<Int>)] = [:]
            var order: [Key] = []
            while index.position < areaStart {
                guard let blob = index.next(), let path = index.next(), let summary = index.next(),
                      let offset = index.nextInt(), let count = index.nextInt(),
                      offset <= bytes.count - areaStart, count <= bytes.count - areaStart - offset else { return }
                let key = Key(blob: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[blob]), as: UTF8.self),
                              path: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[path]), as: UTF8.self))
                if found.updateValue((summary, areaStart + offset..<areaStart + offset + count), forKey: key) == nil {
                    order.append(key)
                }
            }
            records = found
            recordOrder = order
        }
        if !records.isEmpty { content = mapped }
    }
}
