/// How document kinds link to each other, written once as data (the table in
/// docs/architecture.md is this one). Everything that follows links is derived from it:
///
/// - the references `DocumentSet` checks (a `.named` link marked `checked`) and the bundle
///   consistency it checks (`sameSubject`);
/// - the **bundle** of a request (`bundle`): the documents its rules read through a link,
///   whose canonical JSON is the bundle digest an approver signs (`BundleDigest`), whose
///   files make an approval stale when they change (`ApprovalAttributor`), and which
///   `policy digest` prints;
/// - the **selection** (`select`): which changed files put a subject under review in range
///   and staged modes (`Workspace`, and `StagedSubset` from the kept summaries);
/// - the **reach** (`reach`): every document a staged check must read so that the rules of
///   the selected subjects see what they would see in the whole set (`StagedSubset`);
/// - the spec fields kept in a `DocumentSummary` (`summaryFields`), which is what the
///   selection and the reach are computed from without reading the documents.
///
/// Adding a linking field is one entry in `links`.
public enum DocumentGraph {
    /// What a link is for. A link can have several roles.
    public enum Role: Sendable, Hashable {
        /// The target is part of the source's approved bundle (its content is in the digest);
        /// a bundle link also selects.
        case bundle
        /// A change of the target puts the source under review (range and staged modes).
        case select
        /// A staged check must read the target when the source is selected.
        case reach
    }

    /// How a link finds its targets from the source document.
    public enum Target: Sendable, Hashable {
        /// The spec text at `field` is the `metadata.name` of a document of one of `kinds`
        /// (the first kind that has it).
        case named(field: String, kinds: [DocumentKind])
        /// Documents of `kinds` whose `spec.model` is the source's spec text at `model` and
        /// whose `spec.version` is the text at `version` (the first of the first kind that has
        /// one). The reach takes every version of the model (a superset).
        case sameModel(model: String, version: String, kinds: [DocumentKind])
        /// Documents of `kind` whose spec text at `field` is the source's name (`key` nil) or
        /// the source's spec text at `key`: approvals of a request, incidents of a model.
        case naming(kind: DocumentKind, field: String, key: String?)
    }

    public struct Link: Sendable, Hashable {
        public var source: DocumentKind
        public var target: Target
        public var roles: Set<Role>
        /// The target's own links of the same role are part of the source's walk (a request's
        /// run brings its teacher into the request's bundle; its baseline's teacher does not,
        /// because no rule of the request reads it).
        public var follows: Bool
        /// Whether an unresolved `.named` link is a `document/reference` finding.
        public var checked: Bool
        /// Whether the target must describe the source's model and version.
        public var sameSubject: Bool
        /// Whether the link is used only when an earlier link of the same source with the
        /// same `binding` found nothing (the teacher's model and version, when no run is named).
        public var fallback: Bool
        /// The name a rule of the source reads the target by (`Bindings`), for the table.
        public var binding: String?

        init(_ source: DocumentKind, _ target: Target, _ roles: Set<Role>, follows: Bool = false, checked: Bool = false,
             sameSubject: Bool = false, fallback: Bool = false, binding: String? = nil) {
            self.source = source
            self.target = target
            self.roles = roles
            self.follows = follows
            self.checked = checked
            self.sameSubject = sameSubject
            self.fallback = fallback
            self.binding = binding
        }

        /// Whether `source` names a target by this link (whether or not it resolves).
        @usableFromInline
        func namesTarget(in source: some LinkedDocument) -> Bool {
            guard case .named(let field, _) = target else { return false }
            return source.text(field) != nil
        }

        /// The spec fields of the source this link reads.
        public var sourceFields: [String] {
            switch target {
            case .named(let field, _): [field]
            case .sameModel(let model, let version, _): [model, version]
            case .naming(_, _, let key): key.map { [$0] } ?? []
            }
        }
    }

    /// Every link between kinds (SPEC §1–§3).
    public static let links: [Link] = [
        Link(.promotionRequest, .named(field: "run", kinds: [.runManifest]), [.bundle, .reach],
             follows: true, checked: true, sameSubject: true, binding: "run"),
        Link(.promotionRequest, .named(field: "modelCard", kinds: [.modelCard]), [.bundle, .reach],
             checked: true, sameSubject: true, binding: "card"),
        Link(.promotionRequest, .named(field: "baseline", kinds: [.runManifest]), [.bundle, .reach],
             checked: true, binding: "baseline"),
        Link(.promotionRequest, .naming(kind: .approval, field: "request", key: nil), [.select, .reach],
             binding: "approvals"),
        Link(.promotionRequest, .naming(kind: .incident, field: "model", key: "model"), [.reach], binding: "incidents"),
        // Resolved and reported by `RequestLifecycle` (its own messages); read by a staged check.
        Link(.promotionRequest, .named(field: "supersededBy", kinds: [.promotionRequest]), [.reach]),

        Link(.runManifest, .named(field: "teacher.run", kinds: [.runManifest]), [.bundle, .reach],
             checked: true, binding: "teacher"),
        Link(.runManifest, .sameModel(model: "teacher.model", version: "teacher.version", kinds: [.runManifest, .modelCard]),
             [.bundle, .reach], fallback: true, binding: "teacher"),
        Link(.runManifest, .sameModel(model: "model", version: "version", kinds: [.modelCard]), [.reach], binding: "card"),
        Link(.runManifest, .naming(kind: .incident, field: "model", key: "model"), [.reach], binding: "incidents"),

        Link(.modelCard, .sameModel(model: "teacher.model", version: "teacher.version", kinds: [.runManifest, .modelCard]),
             [.reach], binding: "teacher"),
        Link(.modelCard, .sameModel(model: "model", version: "version", kinds: [.runManifest]), [.reach], binding: "run"),
        Link(.modelCard, .naming(kind: .incident, field: "model", key: "model"), [.reach], binding: "incidents"),

        Link(.waiver, .naming(kind: .approval, field: "request", key: nil), [.select, .reach], binding: "approvals"),
    ]

    /// Kinds every staged check reads whatever is selected: a waiver may name any subject.
    public static let alwaysReached: [DocumentKind] = [.waiver]

    /// Spec fields of a request that record its lifecycle, not content an approver reviews:
    /// they are left out of the bundle digest.
    public static let lifecycleFields: Set<String> = ["status", "supersededBy"]

    /// The links whose source is `kind`, in table order.
    public static func links(from kind: DocumentKind) -> [Link] {
        linksByKind[kind] ?? []
    }

    private static let linksByKind: [DocumentKind: [Link]] = Dictionary(grouping: links, by: \.source)

    /// The spec fields documents are looked up by (`LinkedDocumentIndex.resolved(_:where:is:)`):
    /// what an index of summaries needs to index.
    public static let lookupFields: Set<String> = {
        var fields: Set<String> = []
        for link in links {
            switch link.target {
            case .named: break
            case .sameModel: fields.insert("model")
            case .naming(_, let field, _): fields.insert(field)
            }
        }
        return fields
    }()

    /// For each kind, the spec fields whose values its `select` and `bundle` links match against
    /// another document's name or model (`.named` fields, `.sameModel` model fields); and the
    /// fields of other documents that name it (`.naming`). A document can be selected through a
    /// link only if one of these values meets a name, model or naming field of a document the
    /// change reaches — the test that lets a staged check walk only those documents.
    public static let selectKeys: (fields: [DocumentKind: [String]], namingFields: Set<String>) = {
        var fields: [DocumentKind: [String]] = [:]
        var namingFields: Set<String> = []
        for link in links where !link.roles.isDisjoint(with: [.select, .bundle]) {
            switch link.target {
            case .named(let field, _): fields[link.source, default: []].append(field)
            case .sameModel(let model, _, _): fields[link.source, default: []].append(model)
            case .naming(_, let field, let key):
                namingFields.insert(field)
                if let key { fields[link.source, default: []].append(key) }
            }
        }
        return (fields, namingFields)
    }()

    /// Every spec field a link reads or matches on: what a `DocumentSummary` keeps.
    public static let summaryFields: [String] = {
        var fields: [String] = []
        func add(_ field: String) { if !fields.contains(field) { fields.append(field) } }
        for link in links {
            link.sourceFields.forEach(add)
            switch link.target {
            case .named: break
            case .sameModel: add("model"); add("version")
            case .naming(_, let field, _): add(field)
            }
        }
        return fields
    }()
}

// MARK: - Walking the graph

/// A document as the graph sees it: a kind, a name, a file and spec texts. `Document` and
/// `DocumentSummary` are both, so the selection and the reach are the same code over the
/// whole set and over the kept summaries.
public protocol LinkedDocument: Hashable, Sendable {
    var kind: DocumentKind { get }
    var name: String { get }
    var file: String { get }
    func text(_ field: String) -> String?
}

extension LinkedDocument {
    public var reference: DocumentReference { DocumentReference(kind: kind, name: name) }
}

extension Document: LinkedDocument {}
extension DocumentSummary: LinkedDocument {}

/// Documents indexed the way links look them up.
public protocol LinkedDocumentIndex {
    associatedtype Element: LinkedDocument
    /// The document a name of a kind resolves to (the first definition).
    func resolve(_ kind: DocumentKind, named name: String) -> Element?
    /// The resolved documents of a kind whose spec text at `field` is `value`, in path order.
    func resolved(_ kind: DocumentKind, where field: String, is value: String) -> [Element]
    /// Every definition of the name of `document` (itself included).
    func definitions(of document: Element) -> [Element]
    /// The resolved documents of a kind, in path order.
    func resolved(_ kind: DocumentKind) -> [Element]
}

extension DocumentGraph {
    /// How exactly `.sameModel` links are resolved.
    public enum Precision: Sendable {
        /// Exactly what a rule binds: the same version, the first kind that has one.
        case exact
        /// Every document of the model, of every kind listed (a superset, for the reach).
        case superset
    }

    /// The targets of one link from `source`.
    @inlinable
    public static func targets<Index: LinkedDocumentIndex>(of link: Link, from source: Index.Element, in index: Index,
                                                     _ precision: Precision) -> [Index.Element] {
        switch link.target {
        case .named(let field, let kinds):
            guard let name = source.text(field) else { return [] }
            return kinds.lazy.compactMap { index.resolve($0, named: name) }.first.map { [$0] } ?? []
        case .sameModel(let modelField, let versionField, let kinds):
            guard let model = source.text(modelField) else { return [] }
            switch precision {
            case .superset:
                return kinds.flatMap { index.resolved($0, where: "model", is: model) }
            case .exact:
                let version = source.text(versionField)
                for kind in kinds {
                    if let match = index.resolved(kind, where: "model", is: model).first(where: { $0.text("version") == version }) {
                        return [match]
                    }
                }
                return []
            }
        case .naming(let kind, let field, let key):
            guard let value = key.map({ source.text($0) }) ?? source.name else { return [] }
            return index.resolved(kind, where: field, is: value)
        }
    }

    /// The documents reached from `start` through links of `role`, following the targets of
    /// links that `follow`, each once, in walk order (`start` not included).
    @inlinable
    static func walk<Index: LinkedDocumentIndex>(from start: Index.Element, _ role: Role, in index: Index,
                                                  _ precision: Precision) -> [Index.Element] {
        var reached: [Index.Element] = []
        var seen: Set<DocumentReference> = [start.reference]
        func visit(_ document: Index.Element) {
            var bound: Set<String> = []
            for link in links(from: document.kind) where link.roles.contains(role) || (role == .select && link.roles.contains(.bundle)) {
                if link.fallback, let binding = link.binding, bound.contains(binding) { continue }
                let targets = targets(of: link, from: document, in: index, precision)
                // A named link binds its name even when the name does not resolve: the rule then
                // reads a missing document, it does not fall back to another one (`Bindings`).
                if let binding = link.binding, !targets.isEmpty || link.namesTarget(in: document) { bound.insert(binding) }
                for target in targets where seen.insert(target.reference).inserted {
                    reached.append(target)
                    if link.follows { visit(target) }
                }
            }
        }
        visit(start)
        return reached
    }

    /// The bundle of a request (SPEC §1): the request, its run and its card, then every other
    /// document its rules read through a link (a named baseline, the run's teacher), in table
    /// order. A Waiver's bundle is the waiver alone. `missing` names the bundle links that name
    /// a document that does not exist.
    @inlinable
    public static func bundle<Index: LinkedDocumentIndex>(of request: Index.Element, in index: Index)
        -> (documents: [Index.Element], missing: [Link]) {
        guard request.kind == .promotionRequest else { return ([request], []) }
        let documents = [request] + walk(from: request, .bundle, in: index, .exact)
        let missing = links(from: request.kind).filter { link in
            guard link.roles.contains(.bundle), link.checked, case .named(let field, _) = link.target else { return false }
            return request.text(field) != nil && targets(of: link, from: request, in: index, .exact).isEmpty
        }
        return (documents, missing)
    }

    /// The files whose change puts `subject` under review: its own and those of every other
    /// definition of its name (a new file that takes an existing name is reported with the one
    /// it collides with), and the files of what it reaches through `select` and `bundle` links.
    @inlinable
    public static func selectingFiles<Index: LinkedDocumentIndex>(of subject: Index.Element, in index: Index) -> [String] {
        var files = index.definitions(of: subject).map(\.file)
        if !files.contains(subject.file) { files.insert(subject.file, at: 0) }
        files += walk(from: subject, .select, in: index, .exact).map(\.file)
        return files
    }

    /// Whether a change of the files `changed` puts `subject` under review: one of its selecting
    /// files changed, or — for any change — a `select` or `bundle` link of it, or of what it
    /// reaches through them, names a document that does not exist. The change may be what broke
    /// the link (a deleted run, a renamed teacher, whose files the link can no longer name), so
    /// a change that deletes a request's run must not pass as one that touches no subject.
    @inlinable
    public static func isSelected<Index: LinkedDocumentIndex>(_ subject: Index.Element, in index: Index,
                                                               changed: Set<String>) -> Bool {
        if selectingFiles(of: subject, in: index).contains(where: changed.contains) { return true }
        guard !changed.isEmpty else { return false }
        return ([subject] + walk(from: subject, .select, in: index, .exact)).contains { hasBrokenLink($0, in: index) }
    }

    /// Whether a `select` or `bundle` link of `document` names a document that does not exist.
    @inlinable
    public static func hasBrokenLink<Index: LinkedDocumentIndex>(_ document: Index.Element, in index: Index) -> Bool {
        links(from: document.kind).contains { link in
            guard case .named(let field, let kinds) = link.target, !link.roles.isDisjoint(with: [.select, .bundle]),
                  let name = document.text(field) else { return false }
            return !kinds.contains { index.resolve($0, named: name) != nil }
        }
    }

    /// Every document a rule of `subject` can read, as a superset: what the reach links find
    /// (every version of a model), the runs `championRuns` names for a request's model (the
    /// default baseline comes from history), and every document of `alwaysReached` kinds with
    /// their approvals.
    @inlinable
    public static func reach<Index: LinkedDocumentIndex>(of subject: Index.Element, in index: Index,
                                                          championRuns: (String) -> [String]) -> [Index.Element] {
        var reached = walk(from: subject, .reach, in: index, .superset)
        if subject.kind == .promotionRequest, let model = subject.text("model") {
            for name in championRuns(model) {
                guard let run = index.resolve(.runManifest, named: name) else { continue }
                reached.append(run)
                reached += walk(from: run, .reach, in: index, .superset)
            }
        }
        return reached
    }

    /// The documents of the kinds every staged check reads, with what they reach.
    @inlinable
    public static func alwaysReached<Index: LinkedDocumentIndex>(in index: Index) -> [Index.Element] {
        alwaysReached.flatMap { kind in
            index.resolved(kind).flatMap { [$0] + walk(from: $0, .reach, in: index, .superset) }
        }
    }
}
