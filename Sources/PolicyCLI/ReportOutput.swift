#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where one report goes: standard output, or a file that is replaced only once the report
/// is complete (written beside it, then renamed), so a reader never sees half a report.
final class ReportOutput {
    /// nil for standard output, which is written through `FileHandle` as every other output is.
    private let stream: UnsafeMutablePointer<FILE>?
    private let destination: String?
    private let temporary: String?

    init(file: String?) throws {
        guard let file else {
            stream = nil
            destination = nil
            temporary = nil
            return
        }
        let temporary = "\(file).tollgate-\(getpid()).tmp"
        guard let opened = fopen(temporary, "wb") else {
            throw ToolError("cannot write output to \(file): \(String(cString: strerror(errno)))")
        }
        stream = opened
        destination = file
        self.temporary = temporary
    }

    func write(_ bytes: ArraySlice<UInt8>) {
        guard let stream else { return FileHandle.standardOutput.write(Data(bytes)) }
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = fwrite(base, 1, buffer.count, stream)
        }
    }

    func write(_ text: String) {
        guard let stream else { return FileHandle.standardOutput.write(Data(text.utf8)) }
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = fwrite(base, 1, buffer.count, stream)
        }
    }

    /// Flushes; for a file, closes it and moves it into place. A failed write is reported
    /// here and the destination is left as it was.
    func finish() throws {
        guard let stream, let destination, let temporary else { return }
        let failed = fflush(stream) != 0 || ferror(stream) != 0
        let closed = fclose(stream) == 0
        guard !failed, closed, rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ToolError("cannot write output to \(destination): \(reason)")
        }
    }
}
