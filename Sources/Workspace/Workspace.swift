import Foundation
import GitKit
import Documents
import Policy
import Provenance

/// A repository opened for checking: finds the states to read, loads documents and
/// policies from them, and runs the evaluator. All reading goes through libgit2.
public final class Workspace: @unchecked Sendable {
    public let repository: Repository
    /// The directory the user ran in, relative to the working tree root ("" = root).
    public let subdirectory: String
    /// Every blob parsed, by blob and path, shared by the check and the history walks.
    let documents = DocumentCache()

    /// Opens the repository containing `directory` (like `git -C`). Shallow clones are
    /// refused: the audit trail needs the full history.
    public init(directory: String) throws {
        let absolute = Workspace.canonical(directory)
        do {
            repository = try Repository.discover(startingAt: absolute)
        } catch {
            throw WorkspaceError.notARepository(error.localizedDescription)
        }
        if repository.isShallow { throw WorkspaceError.shallowClone }
        if let root = repository.workingDirectory.map(Workspace.canonical), absolute.hasPrefix(root) {
            subdirectory = String(absolute.dropFirst(root.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        } else {
            subdirectory = ""
        }
    }

    /// How many times this workspace loaded a repository state (`loadState`): every command
    /// loads one, once (`policy approve` used to resolve the same state four times).
    public internal(set) var stateLoads = 0
    func git<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw WorkspaceError.git(GitError.wrapping(error))
        }
    }
    // MARK: - Selection

    /// A user's path filter, relative to where they ran, as a repository-relative path.
    func resolveFilter(_ path: String) -> String {
        var parts = subdirectory.split(separator: "/").map(String.init)
        if path.hasPrefix("/"), let root = repository.workingDirectory.map(Workspace.canonical) {
            let absolute = Workspace.canonical(path)
            if absolute.hasPrefix(root) {
                return String(absolute.dropFirst(root.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            }
        }
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(component))
            }
        }
        return parts.joined(separator: "/")
    }
    static func path(_ file: String, isUnder filter: String) -> Bool {
        filter.isEmpty || file == filter || file.hasPrefix(filter + "/")
    }

    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        var result = url.path
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
