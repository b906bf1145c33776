import ArgumentParser
import Workspace

/// Which state a command evaluates, as `policy check` and `policy report` take it: the working
/// tree (default), `--staged`, `--rev REV` or `--base REV [--head REV]`.
struct ModeOptions: ParsableArguments {
    @Flag(help: "Evaluate the index (what the next commit will contain).")
    var staged = false

    @Option(help: ArgumentHelp("Evaluate this commit's tree.", valueName: "rev"))
    var rev: String?

    @Option(help: ArgumentHelp("Evaluate a change against the branch <rev>: policies, Team and Config from <rev>, subjects changed since the merge base.", valueName: "rev"))
    var base: String?

    @Option(help: ArgumentHelp("With --base: the head to evaluate (default HEAD).", valueName: "rev"))
    var head: String?

    func validate() throws {
        if [staged, rev != nil, base != nil].filter({ $0 }).count > 1 { throw ValidationError("choose one of --staged, --rev and --base") }
        if head != nil && base == nil { throw ValidationError("--head needs --base") }
    }

    var mode: CheckOptions.Mode {
        if staged { return .staged }
        if let rev { return .revision(rev) }
        if let base { return .range(base: base, head: head) }
        return .workingTree
    }
}
