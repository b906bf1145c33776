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
    init?(gitDirectory: String, executable: String? = ReadingStore.executablePath()) {
        guard let identity = executable.flatMap(ReadingStore.identity(of:)) else { return nil }
        file = gitDirectory + "/" + ReadingStore.directoryName + "/" + ReadingStore.fileName
        fingerprint = Array("\(ReadingCodec.version) \(identity)".utf8)
        load()
    }

    // MARK: - Lookup

    func reading(blob: ObjectID, path: String) -> DocumentLoader.Reading? {
        let key = Key(blob: blob.hex, path: path)
        lock.lock()
        let range = records[key]
        lock.unlock()
        guard let range, let reading = ReadingCodec.decode(bytes, range, file: path) else { return nil }
        lock.lock()
        used.insert(key)
        hits += 1
        lock.unlock()
        return reading
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
    /// working tree keeps both), written beside the file and renamed.
    func save() {
        lock.lock()
        defer { lock.unlock() }
        guard !fresh.isEmpty else { return }
        var output = ReadingStore.magic
        append(fingerprint, to: &output)
        var written: Set<Key> = []
        func write(_ key: Key, _ payload: ArraySlice<UInt8>) {
            guard written.insert(key).inserted else { return }
            append(Array(key.blob.utf8)[...], to: &output)
            append(Array(key.path.utf8)[...], to: &output)
            append(payload, to: &output)
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
        let directory = (file as NSString).deletingLastPathComponent
        let temporary = file + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(output).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, file) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }

    private func append(_ field: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var length = UInt32(field.count).littleEndian
        withUnsafeBytes(of: &length) { output.append(contentsOf: $0) }
        output.append(contentsOf: field)
    }

    private func append(_ field: [UInt8], to output: inout [UInt8]) {
        append(field[...], to: &output)
    }

    /// Reads the record table; a file of another build or format, or one cut short, is ignored
    /// from the first record that does not fit.
    private func load() {
        guard let data = FileManager.default.contents(atPath: file) else { return }
        let content = [UInt8](data)
        var position = 0
        func field() -> Range<Int>? {
            guard content.count - position >= 4 else { return nil }
            let length = Int(content[position]) | Int(content[position + 1]) << 8
                | Int(content[position + 2]) << 16 | Int(content[position + 3]) << 24
            position += 4
            guard content.count - position >= length else { return nil }
            defer { position += length }
            return position..<position + length
        }
        guard content.starts(with: ReadingStore.magic) else { return }
        position = ReadingStore.magic.count
        guard let stamp = field(), content[stamp].elementsEqual(fingerprint) else { return }
        while position < content.count {
            guard let blob = field(), let path = field(), let payload = field() else { break }
            let key = Key(blob: String(decoding: content[blob], as: UTF8.self),
                          path: String(decoding: content[path], as: UTF8.self))
            if records.updateValue(payload, forKey: key) == nil { recordOrder.append(key) }
        }
        bytes = content
    }

    // MARK: - Identity of the executable

    static func executablePath() -> String? {
        if let linked = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return linked }
        return Bundle.main.executablePath
    }

    /// Path, size, modification time and inode: a rebuilt or replaced executable differs.
    static func identity(of executable: String) -> String? {
        var info = stat()
        guard stat(executable, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return "\(executable) \(info.st_size) \(modified.tv_sec).\(modified.tv_nsec) \(info.st_ino)"
    }
}
