import Documents
import Policy

/// What `policy test` found.
public struct PolicyTestRun: Sendable {
    public var results: [PolicyTesting.CaseResult]
    public var coverage: PolicyTesting.Coverage
    /// Test documents that are not valid (exit 2).
    public var problems: [Diagnostic]
    /// The PolicyTest documents run.
    public var tests: [String]
}

/// `policy test`: runs the PolicyTest documents of a loaded state.
public struct PolicyTestUseCase: WorkspaceUseCase {
    public let workspace: Workspace

    public init(_ workspace: Workspace) {
        self.workspace = workspace
    }

    /// Runs the PolicyTest documents under `directory` (default: the policy directories)
    /// against the working tree's policies.
    public func run(in directory: String?) throws -> PolicyTestRun {
        let state = try loadState(.workingTree, subjects: false)
        let (config, trusted) = (state.config, state.trusted)
        let snapshot = state.states.evaluated
        let scope = directory.map(resolveFilter)
        let tests = trusted.documents.filter { document in
            document.kind == .policyTest && (scope.map { Workspace.path(document.file, isUnder: $0) } ?? true)
        }
        var problems: [Diagnostic] = []
        var results: [PolicyTesting.CaseResult] = []
        for test in tests {
            let base = ProjectConfig.parent(of: test.file)
            func read(_ path: String) -> [Document] {
                let full = PolicyTestUseCase.normalize(ProjectConfig.join(base, path))
                let files = snapshot.paths.contains(full)
                    ? [full]
                    : snapshot.paths.filter { $0.hasPrefix(full + "/") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
                return files.compactMap { file in
                    guard let bytes = try? snapshot.read(file),
                          case .document(let document, _) = DocumentLoader.read(bytes, path: file) else { return nil }
                    return document
                }
            }
            let cases = PolicyTesting.cases(of: test, diagnostics: &problems, readMerged: { path in
                read(path).first { $0.kind == .promotionRequest }
            })
            for testCase in cases {
                var documents: [Document] = []
                var missing: [String] = []
                for path in testCase.documents {
                    let found = read(path)
                    if found.isEmpty { missing.append(path) }
                    documents += found
                }
                if !missing.isEmpty {
                    results.append(PolicyTesting.CaseResult(
                        test: test.name, name: testCase.name, location: testCase.location, outcomes: [:], mismatches: [],
                        error: "no Tollgate document at \(missing.joined(separator: ", ")) (relative to \(base.isEmpty ? "the root" : base))"))
                    continue
                }
                results.append(PolicyTesting.run(testCase, test: test.name, documents: documents,
                                                  policies: trusted.policies, stages: config.stages))
            }
        }
        return PolicyTestRun(results: results, coverage: PolicyTesting.Coverage(policies: trusted.policies, results: results),
                             problems: problems, tests: tests.map(\.name))
    }

    /// `a/./b/../c` → `a/c`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(component)
            }
        }
        return parts.joined(separator: "/")
    }
}
