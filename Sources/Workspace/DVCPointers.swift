import Documents
import Policy

/// DVC pointers (https://dvc.org/doc/user-guide/project-structure/dvc-files and
/// …/dvcyaml-files#dvclock-file): a file DVC tracks is not in git; git holds a pointer that
/// records its MD5 and size.
///
/// For a path that is not in the evaluated state, the pointer is, in this order:
/// 1. `<path>.dvc` (what `dvc add <path>` writes): YAML with `outs: [{md5, size, hash: md5,
///    path}]`, the output's `path` relative to the `.dvc` file's directory;
/// 2. an output of a stage in `dvc.lock` of the path's directory or one above it
///    (`stages: {<name>: {outs: [{path, md5, size, hash: md5}]}}`, paths relative to the
///    `dvc.lock`'s directory), nearest first.
/// A pointer that names the path but cannot be read, names another hash than MD5, or
/// records no MD5 is `.unreadablePointer`, located in the pointer file: it fails closed.
enum DVCPointers {
    static func facts(for path: String, in snapshot: any Snapshot) -> FileFacts? {
        let pointer = path + ".dvc"
        if snapshot.paths.contains(pointer) {
            return read(pointer, in: snapshot) { root, location in
                guard let outs = root["outs"] else {
                    return .unreadablePointer(reason: "\(pointer) has no 'outs' list: it is not a DVC pointer for \(path)", at: location)
                }
                return output(for: path, in: outs, relativeTo: Self.directory(of: pointer), pointer: pointer)
                    ?? .unreadablePointer(reason: "\(pointer) lists no output whose path is \(path)", at: outs.location)
            }
        }
        var directory = Self.directory(of: path)
        while true {
            let lock = directory.isEmpty ? "dvc.lock" : directory + "/dvc.lock"
            if snapshot.paths.contains(lock),
               let found = read(lock, in: snapshot, { root, location in
                   guard let stages = root["stages"]?.map else {
                       return .unreadablePointer(reason: "\(lock) has no 'stages' mapping", at: location)
                   }
                   for stage in stages.entries {
                       if let outs = stage.value["outs"],
                          let facts = output(for: path, in: outs, relativeTo: directory, pointer: lock) {
                           return facts
                       }
                   }
                   return nil
               }) {
                return found
            }
            if directory.isEmpty { return nil }
            directory = Self.directory(of: directory)
        }
    }

    /// Parses a pointer file; a file that is not YAML, or whose root is not a mapping, is a
    /// located `.unreadablePointer`.
    private static func read(_ file: String, in snapshot: any Snapshot,
                             _ body: (YAMLValue, SourceLocation) -> FileFacts?) -> FileFacts? {
        let start = SourceLocation.start(of: file)
        guard let bytes = try? snapshot.read(file) else {
            return .unreadablePointer(reason: "\(file) cannot be read", at: start)
        }
        let documents: [YAMLValue]
        do {
            documents = try YAMLLoader.load(bytes, file: file)
        } catch {
            return .unreadablePointer(reason: "\(file) is not valid YAML: \(error.message)", at: error.location)
        }
        guard documents.count == 1, let root = documents.first, root.map != nil else {
            return .unreadablePointer(reason: "\(file) must be one YAML mapping (DVC's format)",
                                      at: documents.first?.location ?? start)
        }
        return body(root, root.location)
    }

    /// The output of `outs` whose path (relative to `base`) is `path`, as facts.
    private static func output(for path: String, in outs: YAMLValue, relativeTo base: String, pointer: String) -> FileFacts? {
        guard let list = outs.list else {
            return .unreadablePointer(reason: "\(pointer): 'outs' must be a list of outputs", at: outs.location)
        }
        for out in list {
            guard let outPath = out["path"]?.string else { continue }
            let resolved = normalized(base.isEmpty ? outPath : base + "/" + outPath)
            guard resolved == path else { continue }
            let hash = out["hash"]?.string
            if let hash, hash != "md5" {
                return .unreadablePointer(reason: "\(pointer) records \(path) with hash '\(hash)': only MD5 can be verified",
                                          at: out["hash"]?.location ?? out.location)
            }
            guard let md5Value = out["md5"], let md5 = md5Value.text, md5Value.isScalar else {
                return .unreadablePointer(reason: "\(pointer) records no md5 for \(path)", at: out.location)
            }
            let isDirectory = md5.hasSuffix(".dir")
            let hex = isDirectory ? String(md5.dropLast(4)) : md5
            guard TextFormat.md5.accepts(hex) else {
                return .unreadablePointer(reason: "\(pointer): md5 '\(md5)' of \(path) is not 32 hex characters", at: md5Value.location)
            }
            let size: Int?
            if case .int(let value) = out["size"]?.kind { size = value } else { size = nil }
            return .dvcPointer(DVCOutput(md5: hex.lowercased(), size: size, isDirectory: isDirectory,
                                         pointer: pointer, location: md5Value.location))
        }
        return nil
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `a/./b` and `a/x/../b` as `a/b` (DVC writes plain relative paths; `..` is allowed there).
    private static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == "..", !parts.isEmpty { parts.removeLast(); continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }
}
