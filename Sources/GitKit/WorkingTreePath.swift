import Foundation

/// A repository-relative path that has been checked not to leave the working directory.
struct WorkingTreePath {
    enum Kind {
        case file
        case symlink
        case directory
        case other
    }

    let components: [String]
    let text: String

    /// Validates `path`: relative, "/"-separated, no `..` component, no NUL byte.
    init(_ path: String) throws(GitError) {
        let refuse = { (reason: String) in
            GitError(code: .other(-1), message: "cannot read '\(path)' from the working tree: \(reason)")
        }
        guard !path.isEmpty else { throw refuse("the path is empty") }
        guard !path.hasPrefix("/") else { throw refuse("the path must be relative to the repository root") }
        guard !path.utf8.contains(0) else { throw refuse("the path contains a NUL byte") }
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            .filter { $0 != "." }
        guard !components.contains("..") else { throw refuse("'..' would leave the working directory") }
        guard !components.isEmpty else { throw refuse("the path names the working directory itself") }
        self.components = components
        self.text = path
    }

    /// What is at `absolutePath`, without following a final symbolic link; `nil` if nothing is there.
    static func kind(of absolutePath: String) -> Kind? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: absolutePath),
              let type = attributes[.type] as? FileAttributeType else { return nil }
        switch type {
        case .typeRegular: return .file
        case .typeSymbolicLink: return .symlink
        case .typeDirectory: return .directory
        default: return .other
        }
    }

    /// Reads the file below `root`. Every intermediate component must be a real directory
    /// (a symbolic link there could point anywhere); a final symbolic link yields its target.
    func read(under root: String) throws(GitError) -> [UInt8] {
        let operation = "cannot read '\(text)' from the working tree"
        var current = root
        for component in components.dropLast() {
            current += "/" + component
            switch WorkingTreePath.kind(of: current) {
            case .directory: continue
            case nil: throw GitError(code: .notFound, message: "\(operation): no such file")
            case .symlink: throw GitError(code: .other(-1), message: "\(operation): '\(component)' is a symbolic link")
            default: throw GitError(code: .notFound, message: "\(operation): '\(component)' is not a directory")
            }
        }
        let full = current + "/" + (components.last ?? "")
        switch WorkingTreePath.kind(of: full) {
        case .file:
            guard let data = FileManager.default.contents(atPath: full) else {
                throw GitError(code: .other(-1), message: "\(operation): the file cannot be read")
            }
            return Array(data)
        case .symlink:
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) else {
                throw GitError(code: .other(-1), message: "\(operation): the symbolic link cannot be read")
            }
            return Array(target.utf8)
        case .directory:
            throw GitError(code: .other(-1), message: "\(operation): it is a directory")
        case .other:
            throw GitError(code: .other(-1), message: "\(operation): it is not a regular file")
        case nil:
            throw GitError(code: .notFound, message: "\(operation): no such file")
        }
    }
}
