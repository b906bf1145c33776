import Foundation

/// A file written whole or not at all: the text goes to a temporary file beside the destination
/// (its directory made when missing), which is then renamed over it. A failed write leaves the
/// destination as it was and is a `ToolError` naming the path (exit 2).
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let destination = URL(fileURLWithPath: path)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, destination.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ToolError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
