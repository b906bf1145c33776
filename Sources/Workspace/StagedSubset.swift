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
    /// Every definition of the names defined more than once (most names have one).
    private var duplicates: [DocumentReference: [DocumentSummary]] = [:]
    private var byKind: [DocumentKind: [DocumentSummary]] = [:]
    private var byField: [String: [String: [DocumentSummary]]] = [:]

    init(_ summaries: [DocumentSummary]) {
        let order: (DocumentSummary, DocumentSummary) -> Bool = { ($0.file, $0.kind.rawValue) < ($1.file, $1.kind.rawValue) }
        // The summaries usually come in path order already: sorting is then one comparison each.
        let sorted = zip(summaries, summaries.dropFirst()).allSatisfy { !order($1, $0) }
        self.summaries = sorted ? summaries : summaries.sorted(by: order)
        let fields = Array(DocumentGraph.lookupFields)
        canonical.reserveCapacity(self.summaries.count)
        for summary in self.summaries {
            let reference = summary.reference
            if let first = canonical[reference] {
                duplicates[reference, default: [first]].append(summary)
                continue
            }
            canonical[reference] = summary
            byKind[summary.kind, default: []].append(summary)
            for field in fields {
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
        let reference = document.reference
        if let all = duplicates[reference] { return all }
        return [canonical[reference] ?? document]
    }

    /// The names of every document of each kind, in order, for "did you mean" hints.
    var names: [DocumentKind: [String]] {
        var names: [DocumentKind: [String]] = [:]
        for summary in summaries { names[summary.kind, default: []].append(summary.name) }
        return names
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
        func ownTokens(of summary: DocumentSummary) -> [String] {
            [summary.name] + (["model"] + namingFields).compactMap { summary.text($0) }
        }
        func mayLink(_ summary: DocumentSummary, to tokens: Set<String>) -> Bool {
            guard let fields = keyFields[summary.kind] else { return false }
            return tokens.contains(summary.name) || fields.contains { summary.text($0).map(tokens.contains) ?? false }
        }
        var tokens: Set<String> = []
        // The names defined in a changed file: every definition of such a name is selected.
        var changedReferences: Set<DocumentReference> = []
        for summary in summaries where changed.contains(summary.file) {
            tokens.formUnion(ownTokens(of: summary))
            changedReferences.insert(summary.reference)
        }
        var candidates: Set<DocumentReference> = []
        var pending = Array(tokens)
        // A broken link may be what the change did (a deleted or renamed target, which no
        // token names any more): its document, and what links to it, are walked too.
        if !changed.isEmpty {
            for summary in summaries where DocumentGraph.hasBrokenLink(summary, in: self) {
                candidates.insert(summary.reference)
                if tokens.insert(summary.name).inserted { pending.append(summary.name) }
            }
        }
        // The documents that may link to a token, by the values of their link keys: one pass,
        // then each new token is looked up once (`mayLink`).
        var linking: [String: [Int]] = [:]
        if !pending.isEmpty {
            for (position, summary) in summaries.enumerated() {
                guard let fields = keyFields[summary.kind] else { continue }
                linking[summary.name, default: []].append(position)
                for field in fields {
                    if let value = summary.text(field), value != summary.name { linking[value, default: []].append(position) }
                }
            }
        }
        while let token = pending.popLast() {
            for position in linking[token] ?? [] {
                let summary = summaries[position]
                guard mayLink(summary, to: tokens) else { continue }
                candidates.insert(summary.reference)
                if tokens.insert(summary.name).inserted { pending.append(summary.name) }
            }
        }
        return summaries.filter { summary in
            if approvalRequests.contains(summary.name) { return true }
            guard candidates.contains(summary.reference) else {
                // Not linked to anything changed: only the definitions of its name select it.
                return changedReferences.contains(summary.reference)
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
