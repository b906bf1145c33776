import Documents
import Policy
import Provenance

/// The Config document (`.tollgate.yaml`), or the defaults when there is none.
///
/// The file is found by walking up from the working directory to the repository root;
/// paths in it are relative to the directory that holds it.
public struct ProjectConfig: Sendable {
    public static let fileName = ".tollgate.yaml"
    public static let defaultStages = ["development", "staging", "production", "retired"]

    /// Repository-relative path of the config file, nil when the defaults apply.
    public var file: String?
    /// Repository-relative directory the config's paths are relative to ("" = root).
    public var root: String
    /// Repository-relative directories of Policy, Team and PolicyTest documents, ending in "/".
    public var policyDirectories: [String]
    public var include: [PathGlob]
    public var exclude: [PathGlob]
    public var stages: [String]
    /// Paths whose changes need a signature by a member holding a role (range mode).
    public var protect: [ProtectedPaths.Rule]
    /// What a waiver needs to be in force (default: one approval by a policy-owner).
    public var waivers: WaiverRequirement
    public var document: Document?
    /// Policy packs vendored by `policy pack update` (docs/packs.md).
    public var packs: [PackSpec] = []

    public static func defaults(root: String = "") -> ProjectConfig {
        ProjectConfig(file: nil, root: root, policyDirectories: [join(root, "policies/")],
                      include: [PathGlob("**/*.yaml"), PathGlob("**/*.yml")], exclude: [],
                      stages: defaultStages, protect: [], waivers: WaiverRequirement(), document: nil)
    }

    /// Finds and reads the config in `snapshot`, walking up from `directory`.
    static func load(from snapshot: Snapshot, startingAt directory: String) throws -> ProjectConfig {
        let available = Set(snapshot.paths)
        var dir = directory
        while true {
            let candidate = join(dir, fileName)
            if available.contains(candidate) {
                return try read(candidate, root: dir, from: snapshot)
            }
            if dir.isEmpty { return .defaults() }
            dir = parent(of: dir)
        }
    }

    static func read(_ path: String, root: String, from snapshot: Snapshot) throws -> ProjectConfig {
        switch DocumentLoader.read(try snapshot.read(path), path: path) {
        case .notTollgate:
            throw WorkspaceError.invalidConfig([Diagnostic(.envelope,
                "\(fileName) must be a Tollgate document: apiVersion: tollgate/v1, kind: Config",
                at: .start(of: path))])
        case .unreadable(let problems):
            throw WorkspaceError.invalidConfig(problems)
        case .document(let document, let problems):
            let errors = problems.filter { $0.severity == .error }
            guard errors.isEmpty else { throw WorkspaceError.invalidConfig(errors) }
            guard document.kind == .config else {
                throw WorkspaceError.invalidConfig([Diagnostic(.envelope,
                    "\(fileName) must hold a Config document, found \(document.kind.rawValue)", at: document.nameLocation)])
            }
            var config = ProjectConfig.defaults(root: root)
            config.file = path
            config.document = document
            let spec = document.spec
            if let dirs = spec["policies"]?.list?.compactMap(\.string) {
                config.policyDirectories = dirs.map { dir in
                    let joined = join(root, dir)
                    return joined.hasSuffix("/") ? joined : joined + "/"
                }
            }
            if let include = spec["include"]?.list?.compactMap(\.string) { config.include = include.map(PathGlob.init) }
            if let exclude = spec["exclude"]?.list?.compactMap(\.string) { config.exclude = exclude.map(PathGlob.init) }
            if let stages = spec["stages"]?.list?.compactMap(\.string) { config.stages = stages }
            if let waivers = spec["waivers"], case .int(let count)? = waivers["approvals"]?.kind {
                config.waivers = WaiverRequirement(approvals: count, role: waivers["role"]?.string)
            }
            config.protect = (spec["protect"]?.list ?? []).compactMap { item in
                guard let role = item["role"]?.string else { return nil }
                let globs = (item["paths"]?.list ?? []).compactMap(\.string).map { PathGlob(join(root, $0)) }
                return ProtectedPaths.Rule(paths: globs, role: role, location: item.location)
            }
            let (packs, packProblems) = PackSpec.parse(spec["packs"], configFile: path)
            guard packProblems.isEmpty else { throw WorkspaceError.invalidConfig(packProblems) }
            config.packs = packs
            return config
        }
    }

    /// Where `policy pack update` vendors packs: `vendor/` in the first policy directory
    /// (`policies/vendor/<name>/`), so vendored Policy documents are read, and protected, like
    /// the team's own.
    public var packDirectory: String {
        (policyDirectories.first ?? ProjectConfig.join(root, "policies/")) + "vendor/"
    }

    /// The attributes `policy pack update` writes beside the lock: vendored files are stored
    /// byte for byte, so the index and every commit hold what the lock pins.
    public var packAttributesFile: String {
        packDirectory + PackLock.attributesFileName
    }

    /// The lock file: the commit and content digest of every vendored pack.
    public var packLockFile: String {
        packDirectory + PackLock.fileName
    }

    /// Whether a path holds documents to evaluate (include/exclude, relative to the config root).
    func includes(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        guard root.isEmpty || path.hasPrefix(root + "/") else { return false }
        let relative = root.isEmpty ? path : String(path.dropFirst(root.count + 1))
        return include.contains { $0.matches(relative) } && !exclude.contains { $0.matches(relative) }
    }

    /// Whether a path lies in a policy directory.
    func isPolicyPath(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        return policyDirectories.contains { path.hasPrefix($0) }
    }

    static func join(_ dir: String, _ path: String) -> String {
        dir.isEmpty ? path : dir + "/" + path
    }

    static func parent(of dir: String) -> String {
        guard let slash = dir.lastIndex(of: "/") else { return "" }
        return String(dir[..<slash])
    }
}
