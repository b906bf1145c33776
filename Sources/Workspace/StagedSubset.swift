import Documents
import Provenance

/// Which documents a staged check reads when the summaries of every document are known: the
/// subjects the commit puts under review and every document their rules can reach.
///
/// Both come from `DocumentGraph`, walked over the kept summaries instead of the documents:
/// the selection is `DocumentGraph.isSelected`, the same function `CheckUseCase` asks
/// of the whole set; the reach is `DocumentGraph.reach` (a superset: every version of a model)
/// and the kinds every check reads (`alwaysReached`), and then every document that shares a
/// kind and name with one already taken, so that which duplicate a name resolves to is decided
/// as in the whole set. A document outside the reach is never looked at by the rules of a
/// selected subject; one inside it that is not selected is read but not reported.
/// `LocalStoresTests` and `ModeEquivalenceTests` hold the reports to those of the whole set.
struct StagedSubset: LinkedDocumentIndex {
    /// Every document of the state (trusted kinds excluded), in `DocumentSet`'s order.
    let summaries: [DocumentSummary]
    private var canonical: [DocumentReference: DocumentSummary] = [:]
    private var byReference: [DocumentReference: [DocumentSummary]] = [:]
    private var byKind: [DocumentKind: [DocumentSummary]] = [:]
    private var byField: [String: [String: [DocumentSummary]]] = [:]

    init(_ summaries: [DocumentSummary]) {
        self.summaries = summaries.sorted { ($0.file, $0.kind.rawValue) < ($1.file, $1.kind.rawValue) }
        for summary in self.summaries {
            byReference[summary.reference, default: []].append(summary)
            guard canonical[summary.reference] == nil else { continue }
            canonical[summary.reference] = summary
            byKind[summary.kind, default: []].append(summary)
            for field in DocumentGraph.lookupFields {
                if let text = summary.text(field) { byField[field, default: [:]][text, default: []].append(summary) }
            }
        }
    }

    // MARK: LinkedDocumentIndex (as `DocumentSet` answers: canonical documents in path order)

    func resolve(_ kind: DocumentKind, named name: String) -> DocumentSummary? {
        canonical[DocumentReference(kind: kind, name: name)]
    }

    func resolved(_ kind: DocumentKind, where field: String, is value: String) -> [DocumentSummary] {
        (byField[field]?[value] ?? []).filter { $0.kind == kind }
    }

    func resolved(_ kind: DocumentKind) -> [DocumentSummary] {
        byKind[kind] ?? []
    }

    func definitions(of document: DocumentSummary) -> [DocumentSummary] {
        byReference[document.reference] ?? [document]
    }

    /// The names of every document of each kind, in order, for "did you mean" hints.
    var names: [DocumentKind: [String]] {
        Dictionary(grouping: summaries, by: \.kind).mapValues { $0.map(\.name) }
    }

    /// The documents whose selecting files include one in `changed` (duplicates included, as
    /// the evaluator reports them).
    ///
    /// The walk (`DocumentGraph.isSelected`) is exact; it is made only for the documents that
    /// can reach a changed one through links: those with a link key (`DocumentGraph.selectKeys`)
    /// equal to a name, model or naming value of a changed document — or of a document found
    /// so, for links that are followed — which is a superset of those the walk selects.
    func selected(changed: Set<String>) -> [DocumentSummary] {
        let approvalRequests = ApprovalAttributor.requests(withApprovalPathsIn: changed)
        let (keyFields, namingFields) = DocumentGraph.selectKeys
        func tokens(of summary: DocumentSummary) -> [String] {
            [summary.name] + (["model"] + namingFields).compactMap { summary.text($0) }
        }
        func mayLink(_ summary: DocumentSummary, to tokens: Set<String>) -> Bool {
            guard let fields = keyFields[summary.kind] else { return false }
            return tokens.contains(summary.name) || fields.contains { summary.text($0).map(tokens.contains) ?? false }
        }
        var tokens = Set(summaries.filter { changed.contains($0.file) }.flatMap(tokens(of:)))
        var candidates: Set<DocumentReference> = []
        // A broken link may be what the change did (a deleted or renamed target, which no
        // token names any more): its document, and what links to it, are walked too.
        if !changed.isEmpty {
            for summary in summaries where DocumentGraph.hasBrokenLink(summary, in: self) {
                candidates.insert(summary.reference)
                tokens.insert(summary.name)
            }
        }
        while true {
            let found = summaries.filter { mayLink($0, to: tokens) }
            let count = tokens.count
            for summary in found {
                candidates.insert(summary.reference)
                tokens.insert(summary.name)
            }
            if tokens.count == count { break }
        }
        return summaries.filter { summary in
            if approvalRequests.contains(summary.name) { return true }
            guard candidates.contains(summary.reference) else {
                // Not linked to anything changed: only the definitions of its name select it.
                return definitions(of: summary).contains { changed.contains($0.file) }
            }
            return DocumentGraph.isSelected(summary, in: self, changed: changed)
        }
    }

    /// The files the rules of `selected` can read. `championRuns` names the runs of the
    /// promotions of a model merged before (the default baseline).
    func reach(of selected: [DocumentSummary], championRuns: (String) -> [String]) -> Set<String> {
        var taken: [DocumentSummary] = []
        for subject in selected {
            taken.append(subject)
            taken += DocumentGraph.reach(of: subject, in: self, championRuns: championRuns)
        }
        taken += DocumentGraph.alwaysReached(in: self)
        var files: Set<String> = []
        for summary in taken {
            for same in definitions(of: summary) { files.insert(same.file) }
        }
        return files
    }
}
