/// Repository paths are ordered by their UTF-8 bytes, the order `git ls-files` prints,
/// so results do not depend on Unicode collation.
enum PathOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Sorted, duplicate-free paths.
    static func sortedUnique<S: Sequence<String>>(_ paths: S) -> [String] {
        Set(paths).sorted(by: precedes)
    }
}
