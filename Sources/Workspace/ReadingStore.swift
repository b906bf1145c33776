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
/// What a run parses is appended to a journal beside the store (`readings.journal`, the same
/// records), so that a pre-commit check that parsed one new file writes one record, not the
/// whole store again; the journal is folded into the store when it holds more than a quarter as
/// many records (or a run finds it damaged).
///
/// The store is never read in `--rev` or `--base` mode: the verdict that gates a merge comes
/// from parsing what is in the commits. It is only an accelerator: when it cannot be read or
/// written, the check goes on without it.
final class ReadingStore: @unchecked Sendable {
    static let directoryName = "tollgate"
    static let fileName = "readings"
    static let journalName = "readings.journal"
    private static let magic = Array("TOLLGATE-READINGS\n".utf8)
    private static let journalMagic = Array("TOLLGATE-READINGS-JOURNAL\n".utf8)

    struct Key: Hashable {
        var blob: Blob
        var path: String
    }

    /// A blob id as its 20 bytes (no string per record: a store holds one for every file).
    struct Blob: Hashable {
        var high: UInt64
        var middle: UInt64
        var low: UInt32

        /// From exactly 40 lowercase hexadecimal digits (as `ObjectID.hex` spells ids); nil else.
        init?<Bytes: Collection<UInt8>>(hex: Bytes) {
            guard hex.count == 40 else { return nil }
            var (high, middle, low): (UInt64, UInt64, UInt64) = (0, 0, 0)
            for (offset, byte) in hex.enumerated() {
                let digit: UInt64
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
                default: return nil
                }
                switch offset {
                case ..<16: high = high << 4 | digit
                case ..<32: middle = middle << 4 | digit
                default: low = low << 4 | digit
                }
            }
            (self.high, self.middle, self.low) = (high, middle, UInt32(low))
        }

        init(_ id: ObjectID) {
            // `ObjectID.hex` is 40 lowercase hexadecimal digits by construction.
            self = Blob(hex: id.hex.utf8)!
        }

        var hex: String {
            func digits(_ value: UInt64, _ count: Int) -> String {
                let text = String(value, radix: 16)
                return String(repeating: "0", count: count - text.count) + text
            }
            return digits(high, 16) + digits(middle, 16) + digits(UInt64(low), 8)
        }
    }

    /// Where a record lies: in which of `buffers` (0 the store, 1 the journal), its
    /// `DocumentSummary` and its reading.
    struct Record {
        var buffer: Int
        var summary: Range<Int>
        var reading: Range<Int>
        /// The record's place in `recordOrder`.
        var order: Int
    }

    let file: String
    let journal: String
    private let fingerprint: [UInt8]
    /// The store file and the journal, mapped; records point into them.
    private var buffers = [Data(), Data()]
    private var records: [Key: Record] = [:]
    private var recordOrder: [Key] = []
    /// Records of the journal, and whether it ends in bytes that are no whole record (a write
    /// cut short): then appending after them would be lost, and the next save folds it.
    private var journalRecords = 0
    private var journalDamaged = false
    /// By place in `recordOrder`: whether this run asked for the record's summary (a staged
    /// check asks for every file of the index): such records are kept when the store is written.
    private var summaryAsked: [Bool] = []
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
        journal = gitDirectory + "/" + ReadingStore.directoryName + "/" + ReadingStore.journalName
        fingerprint = stamp
        load()
        loadJournal()
    }

    // MARK: - Lookup

    func contains(blob: ObjectID, path: String) -> Bool {
        lock.withLock { records[Key(blob: Blob(blob), path: path)] != nil }
    }

    /// The kept readings of these contents, decoded on every core; nil where a record is
    /// missing or does not decode (the caller parses the file).
    func readings(_ wanted: [(blob: ObjectID, path: String)]) -> [DocumentLoader.Reading?] {
        let keys = wanted.map { Key(blob: Blob($0.blob), path: $0.path) }
        let found = lock.withLock { keys.map { records[$0] } }
        let buffers = self.buffers
        let readings = DocumentLoader.inParallel(keys.count) { index -> DocumentLoader.Reading? in
            guard let record = found[index] else { return nil }
            return buffers[record.buffer].withUnsafeBytes { ReadingCodec.decode($0, record.reading, file: keys[index].path) }
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
            let key = Key(blob: Blob(blob), path: path)
            fresh[key] = encoded
            used.insert(key)
            stored += 1
        }
    }

    /// The summary kept for a content at a path, without decoding the reading: `.some(nil)`
    /// when the reading is no document, nil when nothing (readable) is kept.
    func summary(blob: ObjectID, path: String) -> DocumentSummary?? {
        let key = Key(blob: Blob(blob), path: path)
        lock.lock()
        defer { lock.unlock() }
        if let kept = fresh[key] { return DocumentSummary.decode(kept.summary, kept.summary.indices, file: path) }
        guard let record = records[key] else { return nil }
        summaryAsked[record.order] = true
        return buffers[record.buffer].withUnsafeBytes { DocumentSummary.decode($0, record.summary, file: path) }
    }

    // MARK: - File

    // Layout: the magic line; the stamp and the index as `StoreFile` fields — the stamp, then
    // the index's length, then per record its blob, path, summary, and the offset and length of
    // its reading in the area that follows the index; then that area.

    /// Writes what this run added: appended to the journal while it is small, else the whole
    /// store again — what this run used, then older records while the file holds at most twice
    /// as many (so switching between the index and the working tree keeps both).
    func save() {
        lock.lock()
        defer { lock.unlock() }
        guard !fresh.isEmpty else { return }
        let added = fresh.sorted(by: { ($0.key.path, $0.key.blob.hex) < ($1.key.path, $1.key.blob.hex) })
        let storeRecords = records.count - journalRecords
        if !buffers[0].isEmpty, !journalDamaged, journalRecords + added.count <= max(256, storeRecords / 4) {
            var output = StoreFile.Writer()
            for (key, payload) in added {
                output.field(key.blob.hex)
                output.field(key.path)
                output.field(payload.summary[...])
                output.field(payload.reading[...])
            }
            if journalRecords == 0 || buffers[1].isEmpty {
                var whole = StoreFile.Writer(magic: ReadingStore.journalMagic, stamp: fingerprint)
                whole.append(output.output)
                whole.write(to: journal)
            } else {
                StoreFile.append(output.output, to: journal)
            }
            return
        }
        var index = StoreFile.Writer()
        var area: [UInt8] = []
        var written: Set<Key> = []
        func write(_ key: Key, _ summary: ArraySlice<UInt8>, _ reading: ArraySlice<UInt8>) {
            guard written.insert(key).inserted else { return }
            index.field(key.blob.hex)
            index.field(key.path)
            index.field(summary)
            index.field(String(area.count))
            index.field(String(reading.count))
            area.append(contentsOf: reading)
        }
        for (key, payload) in added {
            write(key, payload.summary[...], payload.reading[...])
        }
        let old = buffers.map { [UInt8]($0) }
        for (order, key) in recordOrder.enumerated() where summaryAsked[order] || used.contains(key) {
            if let record = records[key] { write(key, old[record.buffer][record.summary], old[record.buffer][record.reading]) }
        }
        let limit = 2 * written.count + 256
        for key in recordOrder where written.count < limit {
            if let record = records[key] { write(key, old[record.buffer][record.summary], old[record.buffer][record.reading]) }
        }
        let indexBytes = index.output
        var output = StoreFile.Writer(magic: ReadingStore.magic, stamp: fingerprint)
        output.field(String(indexBytes.count))
        output.append(indexBytes)
        output.append(area)
        output.write(to: file)
        // The journal's records are in the store now.
        try? FileManager.default.removeItem(atPath: journal)
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
            var found: [Key: Record] = [:]
            var order: [Key] = []
            while index.position < areaStart {
                guard let blob = index.next(), let path = index.next(), let summary = index.next(),
                      let offset = index.nextInt(), let count = index.nextInt(),
                      offset <= bytes.count - areaStart, count <= bytes.count - areaStart - offset else { return }
                // A blob that is no id matches no file: the record is left out.
                guard let id = Blob(hex: bytes[blob]) else { continue }
                let key = Key(blob: id, path: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[path]), as: UTF8.self))
                let record = Record(buffer: 0, summary: summary, reading: areaStart + offset..<areaStart + offset + count,
                                    order: found[key]?.order ?? order.count)
                if found.updateValue(record, forKey: key) == nil {
                    order.append(key)
                }
            }
            records = found
            recordOrder = order
            summaryAsked = Array(repeating: false, count: order.count)
        }
        if !records.isEmpty { buffers[0] = mapped }
    }

    /// Reads the journal (only beside a store it extends): its records are newer than the
    /// store's. One that is cut short or damaged is read up to its last whole record.
    private func loadJournal() {
        guard !buffers[0].isEmpty,
              let mapped = try? Data(contentsOf: URL(fileURLWithPath: journal), options: .alwaysMapped) else { return }
        var added = 0
        mapped.withUnsafeBytes { bytes in
            var reader = StoreFile.FieldReader(bytes, from: 0)
            guard reader.skip(ReadingStore.journalMagic), let stamp = reader.next(),
                  bytes[stamp].elementsEqual(fingerprint) else {
                journalDamaged = true
                return
            }
            while reader.position < bytes.count {
                guard let blob = reader.next(), let path = reader.next(), let summary = reader.next(),
                      let reading = reader.next() else {
                    journalDamaged = true
                    return
                }
                guard let id = Blob(hex: bytes[blob]) else { continue }
                let key = Key(blob: id, path: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[path]), as: UTF8.self))
                let record = Record(buffer: 1, summary: summary, reading: reading, order: records[key]?.order ?? recordOrder.count)
                if records.updateValue(record, forKey: key) == nil {
                    recordOrder.append(key)
                    summaryAsked.append(false)
                }
                added += 1
            }
        }
        journalRecords = added
        if added > 0 { buffers[1] = mapped }
    }
}
