import Documents

/// The lock file (`<policies>/vendor/packs.lock`): for each vendored pack, where it came
/// from, the commit its ref resolved to, its content digest and the digest of every file.
/// Plain YAML (not a Tollgate document), written only by `policy pack update`; `policy
/// check` compares the vendored files with it and never fetches (docs/packs.md).
struct PackLock: Sendable {
    static let fileName = "packs.lock"
    static let version = 1
    /// `.gitattributes` of the pack directory: without it, a repository's end-of-line settings
    /// (`* text=auto`, `eol=crlf`, `core.autocrlf`) or filters (LFS) would store or check out a
    /// vendored file with other bytes than the lock pins, and the working tree and the commits
    /// (`--staged`, `--rev`, `--base`) would disagree about the same pack.
    static let attributesFileName = ".gitattributes"
    static let attributes = """
        # Written by `policy pack update`: vendored files are stored and checked out byte for byte
        # (no end-of-line conversion, no filters), so every mode of `policy check` reads what packs.lock pins.
        * -text -filter -ident -working-tree-encoding

        """

    struct Entry: Sendable {
        var name: String
        var source: String
        var ref: String
        var path: String
        var commit: String
        var digest: String
        var content: PackContent
        /// Where the entry, and each file's line, are written (nil for an entry not read from a file).
        var location: SourceLocation?
        var fileLocations: [String: SourceLocation] = [:]
    }

    var entries: [Entry]

    func entry(_ name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    // MARK: Reading

    /// Reads the lock; every problem located in it. A lock that cannot be read whole pins nothing.
    static func read(_ bytes: [UInt8], file: String) -> (lock: PackLock?, problems: [Diagnostic]) {
        let root: YAMLValue
        do {
            guard let first = try YAMLLoader.load(bytes, file: file).first else {
                return (nil, [Diagnostic(.yaml, "\(file) is empty", at: .start(of: file))])
            }
            root = first
        } catch {
            return (nil, [Diagnostic(.yaml, "\(file) cannot be read: \(error.localizedDescription)", at: .start(of: file))])
        }
        var problems: [Diagnostic] = []
        func text(_ value: YAMLValue?, _ key: String, in parent: YAMLValue) -> String? {
            guard let string = value?[key]?.string else {
                problems.append(Diagnostic(.schema, "\(key) is missing or not a string", at: value?[key]?.location ?? parent.location))
                return nil
            }
            return string
        }
        guard case .int(let version)? = root["lockVersion"]?.kind, version == Self.version else {
            return (nil, [Diagnostic(.schema, "\(file) must start with lockVersion: \(Self.version)", at: root["lockVersion"]?.location ?? root.location)])
        }
        var entries: [Entry] = []
        for item in root["packs"]?.list ?? [] {
            guard let name = text(item, "name", in: item), let source = text(item, "source", in: item),
                  let ref = text(item, "ref", in: item), let path = text(item, "path", in: item),
                  let commit = text(item, "commit", in: item), let digest = text(item, "digest", in: item) else { continue }
            // `policy pack update` pins a pack once and a file once: a second pin is a hand edit
            // that one reader would take and another would not.
            if let first = entries.first(where: { $0.name == name }) {
                problems.append(Diagnostic(.schema, "policy pack '\(name)' is pinned twice (first at line \(first.location?.line ?? 0))",
                                           at: item.location))
                continue
            }
            var files: [String: String] = [:]
            var locations: [String: SourceLocation] = [:]
            for file in item["files"]?.list ?? [] {
                guard let relative = text(file, "path", in: file), let sha = text(file, "sha256", in: file) else { continue }
                if let problem = PackContent.pathProblem(relative) {
                    problems.append(Diagnostic(.schema, problem, at: file.location))
                    continue
                }
                guard TextFormat.sha256.accepts(sha) else {
                    problems.append(Diagnostic(.schema, TextFormat.sha256.violation(sha), at: file["sha256"]?.location ?? file.location))
                    continue
                }
                if files[relative] != nil {
                    problems.append(Diagnostic(.schema, "'\(relative)' is listed twice for policy pack '\(name)'", at: file.location))
                    continue
                }
                files[relative] = sha.lowercased()
                locations[relative] = file.location
            }
            entries.append(Entry(name: name, source: source, ref: ref, path: path, commit: commit, digest: digest,
                                 content: PackContent(files: files), location: item.location, fileLocations: locations))
        }
        if root["packs"] != nil, root["packs"]?.list == nil {
            problems.append(Diagnostic(.schema, "packs must be a list", at: root["packs"]!.location))
        }
        return problems.isEmpty ? (PackLock(entries: entries), []) : (nil, problems)
    }

    // MARK: Writing

    /// The lock as written by `policy pack update`: entries by name, files in byte order,
    /// every string double-quoted so that no source or path can change the YAML's structure.
    var text: String {
        var lines = [
            "# Written by `policy pack update`: the commit and the content of every policy pack the Config names.",
            "# Do not edit. `policy check` blocks when a vendored file differs from what is pinned here (docs/packs.md).",
            "lockVersion: \(Self.version)",
        ]
        let sorted = entries.sorted { $0.name < $1.name }
        lines.append(sorted.isEmpty ? "packs: []" : "packs:")
        for entry in sorted {
            lines.append("  - name: \(Self.quoted(entry.name))")
            lines.append("    source: \(Self.quoted(entry.source))")
            lines.append("    ref: \(Self.quoted(entry.ref))")
            lines.append("    path: \(Self.quoted(entry.path))")
            lines.append("    commit: \(Self.quoted(entry.commit))")
            lines.append("    digest: \(Self.quoted(entry.digest))")
            let paths = entry.content.sortedPaths
            lines.append(paths.isEmpty ? "    files: []" : "    files:")
            for path in paths {
                lines.append("      - {path: \(Self.quoted(path)), sha256: \(Self.quoted(entry.content.files[path]!))}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF:
                result += "\\u" + Self.hex4(scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension PackLock {
    static func hex4(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
