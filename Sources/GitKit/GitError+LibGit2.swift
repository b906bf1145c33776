internal import CLibGit2

extension GitError.Code {
    /// Maps libgit2's return codes (`git_error_code`) onto the kinds callers care about.
    init(libgit2 rc: Int32) {
        switch rc {
        case GIT_ENOTFOUND.rawValue: self = .notFound
        case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
        case GIT_EINVALIDSPEC.rawValue, GIT_EPEEL.rawValue: self = .invalidRevision
        case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
        default: self = .other(rc)
        }
    }
}

/// The one gate every libgit2 return code passes through.
///
/// A negative `rc` is turned into a ``GitError`` whose message is `operation`, a colon and
/// libgit2's own message. `git_error_last()` is per thread and overwritten by the next failing
/// call, so it is read here, immediately, before anything else can touch libgit2.
///
/// - Parameter operation: what we were doing, phrased for a user; it may depend on the kind of failure.
/// - Returns: `rc` when it is not an error (some calls return 0/1 as a boolean).
@discardableResult
func check(_ rc: Int32, _ operation: (GitError.Code) -> String) throws(GitError) -> Int32 {
    guard rc < 0 else { return rc }
    let detail: String?
    if let last = git_error_last(), let text = last.pointee.message {
        detail = String(cString: text).trimmingTrailingWhitespace()
    } else {
        detail = nil
    }
    git_error_clear()
    let code = GitError.Code(libgit2: rc)
    let prefix = operation(code)
    if let detail, !detail.isEmpty {
        throw GitError(code: code, message: "\(prefix): \(detail)")
    }
    throw GitError(code: code, message: "\(prefix) (libgit2 error \(rc))")
}

/// `check` for an operation described the same way whatever the failure.
@discardableResult
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
    try check(rc) { _ in operation() }
}

extension GitError {
    /// libgit2 reported success but handed back no object; never expected, but not worth a crash.
    static func missingResult(_ operation: String) -> GitError {
        GitError(code: .other(-1), message: "\(operation): libgit2 returned no result")
    }
}

/// Unwraps a pointer libgit2 promised to fill on success.
func unwrap<Pointer>(_ pointer: Pointer?, _ operation: @autoclosure () -> String) throws(GitError) -> Pointer {
    guard let pointer else { throw GitError.missingResult(operation()) }
    return pointer
}
