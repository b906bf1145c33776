import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#else
import Darwin
private let systemWrite = Darwin.write
#endif

/// The file format of what local checks keep in `.git/tollgate/` (`ReadingStore`,
/// `HistoryStore`): a magic line, a stamp that says who wrote it, then fields, each a 32-bit
/// little-endian length and that many bytes. A file with another magic or stamp is ignored;
/// one cut short is read up to its last whole field. Written beside the destination and
/// renamed, so a reader never sees half a file.
enum StoreFile {
    /// The fields of `file` after its magic and stamp, as ranges of the returned bytes; nil
    /// when the file is missing or was written by something else.
    static func read(_ file: String, magic: [UInt8], stamp: [UInt8]) -> (bytes: [UInt8], fields: [Range<Int>])? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let content = [UInt8](data)
        let fields: [Range<Int>]? = content.withUnsafeBytes { bytes in
            var reader = FieldReader(bytes, from: 0)
            guard reader.skip(magic), let first = reader.next(), bytes[first].elementsEqual(stamp) else { return nil }
            var fields: [Range<Int>] = []
            while let field = reader.next() { fields.append(field) }
            return fields
        }
        return fields.map { (content, $0) }
    }

    /// Reads fields from memory, checking every length against the end.
    struct FieldReader {
        let bytes: UnsafeRawBufferPointer
        private(set) var position: Int
        let end: Int

        init(_ bytes: UnsafeRawBufferPointer, from position: Int, end: Int? = nil) {
            self.bytes = bytes
            self.position = position
            self.end = min(end ?? bytes.count, bytes.count)
        }

        mutating func skip(_ expected: [UInt8]) -> Bool {
            guard end - position >= expected.count,
                  bytes[position..<position + expected.count].elementsEqual(expected) else { return false }
            position += expected.count
            return true
        }

        mutating func next() -> Range<Int>? {
            guard end - position >= 4 else { return nil }
            let length = Int(bytes[position]) | Int(bytes[position + 1]) << 8
                | Int(bytes[position + 2]) << 16 | Int(bytes[position + 3]) << 24
            guard end - position - 4 >= length else { return nil }
            defer { position += 4 + length }
            return position + 4..<position + 4 + length
        }

        /// A field holding a non-negative decimal number.
        mutating func nextInt() -> Int? {
            guard let range = next(), !range.isEmpty, range.count <= 18 else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
    }

    /// Collects fields, then writes them after the magic and the stamp.
    struct Writer {
        private(set) var output: [UInt8]

        init(magic: [UInt8], stamp: [UInt8]) {
            output = magic
            field(stamp[...])
        }

        /// Fields only, to be placed inside another file.
        init() {
            output = []
        }

        mutating func field(_ bytes: ArraySlice<UInt8>) {
            var length = UInt32(bytes.count).littleEndian
            withUnsafeBytes(of: &length) { output.append(contentsOf: $0) }
            output.append(contentsOf: bytes)
        }

        mutating func field(_ text: String) {
            field(Array(text.utf8)[...])
        }

        /// Bytes as they are, without a length (a region whose length a field gave before).
        mutating func append(_ bytes: [UInt8]) {
            output.append(contentsOf: bytes)
        }

        /// Writes beside `file` and renames; a failure leaves the old file (the store is only
        /// an accelerator: the check goes on without it).
        func write(to file: String) {
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
    }

    /// Appends bytes to an existing file (a journal of whole fields, written in one call, so a
    /// reader sees whole records or a last one cut short, which it ignores); a failure leaves the
    /// file as it was or cut short, never wrong.
    static func append(_ bytes: [UInt8], to file: String) {
        let descriptor = open(file, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Who wrote a store: the format and the identity of the `policy` executable (path, size,
    /// modification time, inode), so another build — another parser, another schema — starts
    /// from nothing. Nil when the executable cannot be identified.
    static func stamp(format: String, executable: String? = StoreFile.executablePath()) -> [UInt8]? {
        guard let executable else { return nil }
        var info = stat()
        guard stat(executable, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return Array("\(format) \(executable) \(info.st_size) \(modified.tv_sec).\(modified.tv_nsec) \(info.st_ino)".utf8)
    }

    static func executablePath() -> String? {
        if let linked = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return linked }
        return Bundle.main.executablePath
    }
}
