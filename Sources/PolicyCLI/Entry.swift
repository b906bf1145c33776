import ArgumentParser
import Foundation
import GitKit

/// The one place where outcomes become exit codes (SPEC §4): 0 nothing blocks, 1 a block
/// (or a warning with `--fail-on warn`), 2 the check could not be made. ArgumentParser's
/// own usage errors (64) are mapped to 2 here, so a tool error never looks like a verdict.
@main
enum Entry {
    static func main() {
        startWatchdog()
        do {
            var command = try PolicyCommand.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let error as ToolError {
            FileHandle.standardError.write(Data("policy: error: \(error.description)\n".utf8))
            exit(2)
        } catch {
            let exitCode = PolicyCommand.exitCode(for: error)
            if exitCode == .success {
                print(PolicyCommand.fullMessage(for: error))
                exit(0)
            }
            let message = PolicyCommand.fullMessage(for: error)
            FileHandle.standardError.write(Data(("policy: " + message.trimmingCharacters(in: .whitespacesAndNewlines) + "\n").utf8))
            exit(2)
        }
    }
}

extension Entry {
    nonisolated(unsafe) private static var keptUntilExit: [AnyObject] = []

    /// Holds an object until the process ends, so its memory goes back with the process
    /// instead of object by object. Only for objects that live as long as the command anyway.
    static func keepUntilExit(_ object: AnyObject) {
        keptUntilExit.append(object)
    }

    /// Seconds one libgit2 read may take before the check gives up (`TOLLGATE_GIT_TIMEOUT`).
    static let defaultGitTimeout: TimeInterval = 60

    /// Ends the process with exit 2 when a libgit2 read has not returned for too long: libgit2
    /// 1.5 loops forever on a truncated loose object (`LibGit2Watch`), and a hung gate in CI or
    /// in a pre-commit hook must become a clear error, not a silent wait.
    static func startWatchdog() {
        let configured = ProcessInfo.processInfo.environment["TOLLGATE_GIT_TIMEOUT"].flatMap(TimeInterval.init)
        let limit = configured.map { max(0.1, $0) } ?? defaultGitTimeout
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: min(1, limit / 4))
                guard let what = LibGit2Watch.stalled(longerThan: limit) else { continue }
                FileHandle.standardError.write(Data("""
                    policy: error: reading \(what) through libgit2 has not returned for \(Int(limit.rounded(.up))) s; \
                    the repository's object store is probably damaged (libgit2 1.5 loops forever on a truncated \
                    loose object). Run `git fsck` to find it; set TOLLGATE_GIT_TIMEOUT to wait longer.

                    """.utf8))
                exit(2)
            }
        }
        thread.name = "Tollgate watchdog"
        thread.start()
    }
}

/// A tool error: printed to stderr as it is, exit 2.
struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
