import Documents

/// The files of a pack, by path relative to the pack's directory, and the content digest
/// that pins them.
///
/// The digest is SHA-256 over a listing with one line per file, in byte order of the paths
/// (UTF-8): the SHA-256 of the file's bytes in lower-case hex, two spaces, the path, a line
/// feed — exactly what `sha256sum` prints — written `sha256:<64 hex>`. So, in a vendored
/// directory, `find . -type f -printf '%P\n' | LC_ALL=C sort | tr '\n' '\0' | xargs -0 sha256sum | sha256sum`
/// prints it (docs/packs.md).
struct PackContent: Sendable, Equatable {
    /// SHA-256 (hex) of each file's bytes, by relative path.
    var files: [String: String]

    init(files: [String: String]) {
        self.files = files
    }

    init(bytes: [String: [UInt8]]) {
        files = bytes.mapValues(ContentHash.sha256Hex)
    }

    /// The paths in byte order of their UTF-8 form.
    var sortedPaths: [String] {
        files.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The `sha256sum`-style listing the digest is taken over.
    var listing: String {
        sortedPaths.map { "\(files[$0]!)  \($0)\n" }.joined()
    }

    /// `sha256:<64 hex>` of the listing.
    var digest: String {
        "sha256:" + ContentHash.sha256Hex(Array(listing.utf8))
    }

    /// Why a path taken from a pack's tree (or from the lock) cannot be vendored: an empty,
    /// `.`, `..` or `.git` segment could write outside the pack's directory or into git's own.
    static func pathProblem(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.hasPrefix("/") || path.contains("\0") || path.contains("\\") { return "'\(path)' is not a relative path" }
        if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.lowercased() == ".git" }) {
            return "'\(path)' has an empty, '.', '..' or '.git' segment"
        }
        return nil
    }
}
