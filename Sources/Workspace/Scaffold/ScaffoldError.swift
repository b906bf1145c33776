import Foundation

/// Why `policy init` or `policy hook install` could not do its work. Every case is exit 2.
public enum ScaffoldError: Error, LocalizedError {
    case notARepository(String)
    case bareRepository(command: String)
    /// A pre-commit hook that Tollgate did not write is in the way.
    case foreignHook(path: String, kind: String)
    case cannotWrite(path: String, reason: String)
    case git(String)

    public var errorDescription: String? {
        switch self {
        case .notARepository(let message):
            return "\(message)\nRun it inside a git repository (`git init` first), or point -C at one."
        case .bareRepository(let command):
            return "this repository has no working tree; \(command) needs one"
        case .foreignHook(let path, let kind):
            return """
                \(path) already exists and was not written by Tollgate (\(kind)); it was left alone. \
                Call `policy check --staged` from it yourself, or rerun with --force to replace it \
                (the old hook is kept as pre-commit.before-tollgate).
                """
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .git(let message):
            return message
        }
    }
}
