import ArgumentParser

/// `--format FMT[=FILE]`: a reporter and where its output goes (stdout when no file).
struct OutputFormat: ExpressibleByArgument, Equatable {
    enum Kind: String, CaseIterable {
        case text, json, sarif, junit, github, markdown
    }

    var kind: Kind
    var file: String?

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard let first = parts.first, let kind = Kind(rawValue: first) else { return nil }
        if parts.count == 2, parts[1].isEmpty { return nil }
        self.kind = kind
        self.file = parts.count == 2 ? parts[1] : nil
    }

    static var allValueStrings: [String] { Kind.allCases.map(\.rawValue) }

    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
