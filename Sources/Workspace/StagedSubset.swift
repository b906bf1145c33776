import Documents

/// Which documents a staged check reads when the summaries of every document are known: the
/// subjects the commit puts under review and every document their rules can reach.
///
/// The selection is the one `Workspace.check` makes (`bundleFiles`: a subject's own file and
/// those of the other definitions of its name, and for a request its run, card, baseline and
/// approvals), computed from summaries. The reach
/// follows `Bindings`, `ApprovalAttributor`, `IncidentsCheck` and `Waivers`, taking a superset
/// where they choose (every run and card of a model rather than the one of a version), and then
/// every document that shares a kind and name with one already taken, so that which duplicate
/// a name resolves to is decided as in the whole set. A document outside the reach is never
/// looked at by the rules of a selected subject; one inside it that is not selected is read
/// but not reported. `LocalStoresTests` holds the reports to those of the whole set.
struct StagedSubset {
    /// Every document of the state (trusted kinds excluded), in `DocumentSet`'s order.
    let summaries: [DocumentSummary]
    private var canonical: [DocumentReference: DocumentSummary] = [:]
    private var byReference: [DocumentReference: [DocumentSummary]] = [:]
    private var byField: [String: [String: [DocumentSummary]]] = [:]

    init(_ summaries: [DocumentSummary]) {
        self.summaries = summaries.sorted { ($0.file, $0.kind.rawValue) < ($1.file, $1.kind.rawValue) }
        for summary in self.summaries {
            if canonical[summary.reference] == nil { canonical[summary.reference] = summary }
            byReference[summary.reference, default: []].append(summary)
            for field in ["request", "model"] {
                if let text = summary.text(field) { byField[field, default: [:]][text, default: []].append(summary) }
            }
        }
    }

    func named(_ kind: DocumentKind, _ name: String?) -> DocumentSummary? {
        name.flatMap { canonical[DocumentReference(kind: kind, name: $0)] }
    }

    /// Documents whose spec `field` ("request" or "model") is `value`, of the given kinds.
    func documents(_ kinds: Set<DocumentKind>, where field: String, is value: String?) -> [DocumentSummary] {
        guard let value else { return [] }
        return (byField[field]?[value] ?? []).filter { kinds.contains($0.kind) }
    }

    /// The names of every document of each kind, in order, for "did you mean" hints.
    var names: [DocumentKind: [String]] {
        Dictionary(grouping: summaries, by: \.kind).mapValues { $0.map(\.name) }
    }

    /// The documents whose bundle has a file in `changed` (duplicates included, as the
    /// evaluator reports them).
    func selected(changed: Set<String>) -> [DocumentSummary] {
        summaries.filter { summary in
            if (byReference[summary.reference] ?? []).contains(where: { changed.contains($0.file) }) { return true }
            guard summary.kind == .promotionRequest else { return false }
            let links = [named(.runManifest, summary.text("run")), named(.modelCard, summary.text("modelCard")),
                         named(.runManifest, summary.text("baseline"))]
            if links.contains(where: { $0.map { changed.contains($0.file) } ?? false }) { return true }
            return documents([.approval], where: "request", is: summary.name).contains {
                canonical[$0.reference] == $0 && changed.contains($0.file)
            }
        }
    }

    /// The files the rules of `selected` can read. `championRuns` names the runs of the
    /// promotions of a model merged before (the default baseline).
    func reach(of selected: [DocumentSummary], championRuns: (String) -> [String]) -> Set<String> {
        var taken: [DocumentSummary] = []
        func take(_ summary: DocumentSummary?) {
            if let summary { taken.append(summary) }
        }
        func teacher(of document: DocumentSummary?) {
            guard let document else { return }
            take(named(.runManifest, document.text("teacher.run")))
            taken += documents([.runManifest, .modelCard], where: "model", is: document.text("teacher.model"))
        }
        for subject in selected {
            take(subject)
            switch subject.kind {
            case .promotionRequest:
                let run = named(.runManifest, subject.text("run"))
                take(run)
                take(named(.modelCard, subject.text("modelCard")))
                take(named(.runManifest, subject.text("baseline")))
                for name in subject.text("model").map(championRuns) ?? [] { take(named(.runManifest, name)) }
                teacher(of: run)
                taken += documents([.approval], where: "request", is: subject.name)
            case .runManifest, .modelCard:
                taken += documents([.runManifest, .modelCard], where: "model", is: subject.text("model"))
                teacher(of: subject)
            default:
                break
            }
            taken += documents([.incident], where: "model", is: subject.text("model"))
        }
        for waiver in summaries where waiver.kind == .waiver {
            taken.append(waiver)
            taken += documents([.approval], where: "request", is: waiver.name)
        }
        var files: Set<String> = []
        for summary in taken {
            for same in byReference[summary.reference] ?? [] { files.insert(same.file) }
        }
        return files
    }
}
