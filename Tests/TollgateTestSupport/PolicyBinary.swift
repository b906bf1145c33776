import Foundation

/// The `policy` executable under test and the source tree it was built from.
public enum PolicyBinary {
    /// The Tollgate source tree (for fixtures/ and policies/): this file is
    /// `Tests/TollgateTestSupport/PolicyBinary.swift`.
    public static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `policy` executable built next to the test bundle.
    public static var url: URL {
        let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in candidates {
            let url = directory.appendingPathComponent("policy")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return projectRoot.appendingPathComponent(".build/debug/policy")
    }

    /// Runs `policy ARGUMENTS` in `directory` with the test process's environment (without
    /// `NO_COLOR`) plus `environment`; killed after `timeout` seconds when one is given.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                           timeout: TimeInterval? = nil) throws -> ProcessOutput {
        try ProcessRunner.run(url.path, arguments, in: directory,
                              environment: ProcessRunner.inheritedEnvironment(overriding: environment),
                              timeout: timeout)
    }
}
