import Foundation

/// The `git` executable, for the few things Tollgate writes (an approval commit signed with
/// the user's own configuration). Reading always goes through libgit2.
struct GitCommandLine {
    let directory: String

    struct Failure: Error, LocalizedError {
        var arguments: [String]
        var status: Int32
        var stderr: String
        var errorDescription: String? {
            "git \(arguments.joined(separator: " ")) failed (exit \(status)): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(arguments: arguments, status: process.terminationStatus,
                          stderr: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A configuration value, or nil when unset.
    func config(_ key: String) -> String? {
        guard let value = try? run(["config", "--get", key]), !value.isEmpty else { return nil }
        return value
    }
}
