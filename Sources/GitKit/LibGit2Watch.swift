import Foundation

/// Which libgit2 read is in progress, and since when, for a watchdog.
///
/// libgit2 1.5.1 (Debian 12) loops forever inside zlib when it reads a truncated loose
/// object (libgit2 issue 7342, fixed upstream in 2026). A call that never returns cannot
/// be cancelled, but it can be noticed: GitKit marks every call that reads objects, and the
/// command line's watchdog ends the process with a clear error when one has not returned
/// for too long. A gate that hangs is no better than one that crashes.
public enum LibGit2Watch {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var since: Date?
    nonisolated(unsafe) private static var label: StaticString = ""

    /// Runs one libgit2 call that reads objects, marked as in progress.
    @inline(__always)
    @discardableResult
    static func reading<T>(_ what: StaticString, _ body: () throws(GitError) -> T) throws(GitError) -> T {
        begin(what)
        defer { end() }
        return try body()
    }

    /// Runs one libgit2 call that reads objects and reports failure by its return code.
    @inline(__always)
    @discardableResult
    static func reading<T>(_ what: StaticString, _ body: () -> T) -> T {
        begin(what)
        defer { end() }
        return body()
    }

    private static func begin(_ what: StaticString) {
        lock.lock()
        if depth == 0 {
            since = Date()
            label = what
        }
        depth += 1
        lock.unlock()
    }

    private static func end() {
        lock.lock()
        depth -= 1
        if depth == 0 { since = nil }
        lock.unlock()
    }

    /// What has been read for longer than `seconds` without returning, or nil.
    public static func stalled(longerThan seconds: TimeInterval, now: Date = Date()) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let since, now.timeIntervalSince(since) > seconds else { return nil }
        return "\(label)"
    }
}
