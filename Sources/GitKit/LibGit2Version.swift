internal import CLibGit2

/// Which libgit2 this binary was built with and which one it runs with. A release binary links
/// libgit2 statically, so the two are the same; a build against the system's shared libgit2 can
/// meet a different one at run time.
public enum LibGit2Version {
    /// `LIBGIT2_VERSION` of the headers at compile time, e.g. "1.5.1".
    public static let compiledAgainst: String = String(cString: tollgate_libgit2_header_version())

    /// `git_libgit2_version()` of the library the process runs with.
    public static var runtime: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        guard git_libgit2_version(&major, &minor, &revision) == 0 else { return "unknown" }
        return "\(major).\(minor).\(revision)"
    }

    /// "1.5.1", or "1.5.1 (running with 1.7.2)" when the library found at run time differs.
    public static var description: String {
        let runtime = runtime
        return runtime == compiledAgainst ? compiledAgainst : "\(compiledAgainst) (running with \(runtime))"
    }
}
