import Foundation
import Documents
import Policy

/// What the repository already defines where `policy init` would write: the policy directory
/// of an existing `.tollgate.yaml`, and the Teams and policies in the policy directories. Read
/// from the working tree, leniently: a file that cannot be read defines nothing here (`policy
/// check` reports it).
struct ExistingDefinitions {
    /// Repository-relative directory, ending in "/", that receives the pack and the Team: the
    /// first of the existing Config's `spec.policies`, else `policies/`.
    var policyDirectory = "policies/"
    /// Files holding a Team document.
    var teams: [String] = []
    /// Policy name → the file that defines it.
    var policies: [String: String] = [:]
    /// Whether an existing Config's `protect` covers the policy directory and the Config itself;
    /// nil when there is no Config yet (init writes one that does).
    var configProtectsPolicies: Bool?

    init(root: String) {
        var directories = ["policies/"]
        if let config = Self.document(root, ProjectConfig.fileName), config.kind == .config,
           let listed = config.spec["policies"]?.list?.compactMap(\.string), !listed.isEmpty {
            directories = listed.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
                .map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }
        }
        policyDirectory = directories[0]
        if let config = Self.document(root, ProjectConfig.fileName), config.kind == .config {
            let globs = (config.spec["protect"]?.list ?? []).flatMap { $0["paths"]?.list?.compactMap(\.string) ?? [] }.map(PathGlob.init)
            configProtectsPolicies = [policyDirectory + "team.yaml", ProjectConfig.fileName].allSatisfy { path in
                globs.contains { $0.matches(path) }
            }
        } else if FileManager.default.fileExists(atPath: root + "/" + ProjectConfig.fileName) {
            configProtectsPolicies = false  // a Config init cannot read protects nothing it can vouch for
        }
        for directory in directories {
            for path in Self.yamlFiles(root: root, under: directory) {
                guard let document = Self.document(root, path) else { continue }
                switch document.kind {
                case .team: teams.append(path)
                case .policy: policies[document.name] = policies[document.name] ?? path
                default: break
                }
            }
        }
        teams.sort()
    }

    static func document(_ root: String, _ path: String) -> Document? {
        guard let data = FileManager.default.contents(atPath: root + "/" + path),
              case .document(let document, _) = DocumentLoader.read(Array(data), path: path) else { return nil }
        return document
    }

    /// Repository-relative paths of the YAML files under a directory, sorted.
    static func yamlFiles(root: String, under directory: String) -> [String] {
        let base = root + "/" + directory
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { paths.append(directory + relative) }
        }
        return paths.sorted()
    }
}
