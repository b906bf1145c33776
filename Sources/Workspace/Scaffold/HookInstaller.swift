import Foundation
import GitKit

/// `policy hook install`: a plain git pre-commit hook that runs `policy check --staged`, for
/// repositories that do not use the pre-commit framework.
public struct HookInstaller {
    /// The line that marks a hook as Tollgate's own: such a hook may be rewritten without --force.
    public static let marker = "# tollgate-hook: pre-commit"
    static let backupSuffix = ".before-tollgate"

    let root: String
    let git: GitCommandLine

    public init(directory: String) throws {
        let repository: Repository
        do {
            repository = try Repository.discover(startingAt: directory)
        } catch {
            throw ScaffoldError.notARepository(error.localizedDescription)
        }
        guard let root = repository.workingDirectory else {
            throw ScaffoldError.bareRepository(command: "policy hook install")
        }
        self.root = root
        self.git = GitCommandLine(directory: root)
    }

    /// The hooks directory git uses: `.git/hooks`, or `core.hooksPath` when set (relative to the
    /// working tree root, `~` expanded), exactly as `git rev-parse --git-path hooks` resolves it.
    public func hooksDirectory() throws -> String {
        let path: String
        do {
            path = try git.run(["rev-parse", "--git-path", "hooks"])
        } catch {
            throw ScaffoldError.git("cannot find the hooks directory: \(error.localizedDescription)")
        }
        let absolute = path.hasPrefix("/") ? path : root + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Writes `<hooks>/pre-commit` running `executable check --staged` and makes it executable.
    /// A hook that Tollgate did not write is replaced only with `force`, and kept beside it.
    public func install(executable: String?, force: Bool) throws -> HookInstallation {
        let directory = try hooksDirectory()
        let path = directory + "/pre-commit"
        let manager = FileManager.default
        var outcome = HookInstallation.Outcome.created
        if (try? manager.attributesOfItem(atPath: path)) != nil {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if text.contains(Self.marker) {
                outcome = .updated
            } else if !force {
                throw ScaffoldError.foreignHook(path: path, kind: Self.describeForeign(text))
            } else {
                let backup = path + Self.backupSuffix
                if (try? manager.attributesOfItem(atPath: backup)) == nil, (try? manager.copyItem(atPath: path, toPath: backup)) != nil {
                    outcome = .replaced(backup: backup)
                } else {
                    outcome = .replaced(backup: nil)
                }
                try? manager.removeItem(atPath: path)
            }
        }
        let command = executable ?? "policy"
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(Self.script(executable: executable).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        } catch {
            throw ScaffoldError.cannotWrite(path: path, reason: error.localizedDescription)
        }
        return HookInstallation(path: path, executable: command, outcome: outcome)
    }

    /// The hook: a POSIX shell script. git runs it at the root of the working tree; any exit
    /// status but 0 — a block (1) or a check that could not be made (2) — stops the commit.
    static func script(executable: String?) -> String {
        let choice: String
        if let executable {
            choice = """
                policy=\(shellQuoted(executable))
                if [ ! -x "$policy" ]; then
                    policy=policy   # the binary has moved: use the one on PATH
                fi
                """
        } else {
            choice = "policy=policy"
        }
        return """
            #!/bin/sh
            \(marker) (written by `policy hook install`; run it again to update this file)
            # Checks what the commit will contain; a blocking finding, or a check that cannot be
            # made, stops the commit. To commit anyway, knowing why: git commit --no-verify
            \(choice)
            if ! command -v "$policy" >/dev/null 2>&1; then
                echo "tollgate: '$policy' not found; install Tollgate or run \\`policy hook install\\` again" >&2
                exit 2
            fi
            exec "$policy" check --staged

            """
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func describeForeign(_ text: String) -> String {
        if text.contains("pre-commit.com") || text.contains("pre_commit") {
            return "it is the pre-commit framework's hook: add the policy-check hook to .pre-commit-config.yaml instead"
        }
        if text.contains("husky") { return "it is husky's hook" }
        return "it has no Tollgate marker"
    }

    /// The running `policy`: its path as invoked when that path has a slash, else where PATH
    /// finds it, else the process's own executable. Symbolic links are kept, so a hook that
    /// runs `/usr/local/bin/policy` follows upgrades made through that link.
    public static func runningExecutable(
        argument0: String = CommandLine.arguments.first ?? "",
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String? {
        let manager = FileManager.default
        if argument0.contains("/") {
            let absolute = argument0.hasPrefix("/") ? argument0 : currentDirectory + "/" + argument0
            let path = URL(fileURLWithPath: absolute).standardizedFileURL.path
            if manager.isExecutableFile(atPath: path) { return path }
        } else if !argument0.isEmpty {
            for directory in (environment["PATH"] ?? "").split(separator: ":") where directory.hasPrefix("/") {
                let path = directory + "/" + argument0
                if manager.isExecutableFile(atPath: path) { return path }
            }
        }
        return Bundle.main.executablePath
    }
}
