import ArgumentParser
import Reporters

/// `--format FMT[=FILE]`: a reporter of the registry (`Reporters.all`) and where its output
/// goes (stdout when no file).
struct OutputFormat: ExpressibleByArgument, Equatable {
    var name: String
    var file: String?

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard let first = parts.first, Reporters.named(first) != nil else { return nil }
        if parts.count == 2, parts[1].isEmpty { return nil }
        self.name = first
        self.file = parts.count == 2 ? parts[1] : nil
    }

    /// The reporter of this format.
    var reporter: any Reporter.Type { Reporters.named(name)! }

    static var allValueStrings: [String] { Reporters.names }

    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
