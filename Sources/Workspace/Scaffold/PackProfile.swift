/// The profiles of `policy init --profile`: which files of the default pack (policies/*.yaml,
/// embedded in `DefaultPack`) a new repository starts with. A profile only selects files, so
/// each rule has one source; a profile that needs a rule another lacks gets it by its file.
public enum PackProfile: String, CaseIterable, Sendable {
    /// Model card documentation, serving SLOs and signed approvals.
    case minimal
    /// The minimal profile plus fairness slices and the lifecycle (stage graph, champion
    /// regression, distillation gap): the default pack made generic.
    case standard
    /// The standard profile plus lineage, input drift, the canary plan and open incidents.
    case strict

    public static let `default` = PackProfile.standard

    /// The pack files the profile writes, by name in `policies/`.
    public var policyFiles: [String] {
        switch self {
        case .minimal:
            return ["approvals.yaml", "rai.yaml", "release-gate.yaml"]
        case .standard:
            return PackProfile.minimal.policyFiles + ["fairness.yaml", "lifecycle.yaml"]
        case .strict:
            return PackProfile.standard.policyFiles + ["canary.yaml", "drift.yaml", "incidents.yaml", "lineage.yaml"]
        }
    }

    /// The profile's starter test, by path under `policies/tests/`; it reads the example
    /// model of `starter/example/` and `starter/history/`, written with it.
    public var starterTest: String { "starter/\(rawValue).yaml" }

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .minimal: return "model card documentation, serving SLOs, signed approvals"
        case .standard: return "minimal + fairness slices from the card's sensitive features, stage graph, champion regression, distillation gap"
        case .strict: return "standard + lineage, input drift, canary plan, open incidents"
        }
    }

    /// The embedded pack files of the profile, in name order.
    var packFiles: [DefaultPack.File] {
        DefaultPack.files.filter { policyFiles.contains($0.name) }
    }

    /// The embedded starter files of the profile: its own test and the example it reads.
    var starterFiles: [DefaultPack.File] {
        DefaultPack.starter.filter { file in
            file.name == starterTest || file.name.hasPrefix("starter/example/") || file.name.hasPrefix("starter/history/")
        }
    }

    /// The embedded runbooks the profile's rules link (`runbook: docs/runbooks/<name>`), and
    /// the runbooks those link in turn (`](waivers.md)`), in name order.
    var runbooks: [DefaultPack.File] {
        let byName = Dictionary(DefaultPack.runbooks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var wanted: [String] = []
        for file in packFiles {
            for line in file.contents.split(separator: "\n") {
                let trimmed = line.drop { $0 == " " }
                guard trimmed.hasPrefix("runbook:") else { continue }
                let path = trimmed.dropFirst("runbook:".count).trimmingCharacters(in: .whitespaces)
                if path.hasPrefix(Self.runbookDirectory) { wanted.append(String(path.dropFirst(Self.runbookDirectory.count))) }
            }
        }
        var index = 0
        while index < wanted.count {
            defer { index += 1 }
            guard let runbook = byName[wanted[index]] else { continue }
            var rest = Substring(runbook.contents)
            while let open = rest.range(of: "](") {
                rest = rest[open.upperBound...]
                guard let close = rest.firstIndex(of: ")") else { break }
                let target = String(rest[..<close])
                if byName[target] != nil, !wanted.contains(target) { wanted.append(target) }
            }
        }
        return Set(wanted).sorted().compactMap { byName[$0] }
    }

    /// Where the pack's rules link their runbooks, relative to the repository root.
    static let runbookDirectory = "docs/runbooks/"
}
