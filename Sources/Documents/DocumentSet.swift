import Foundation

/// The documents of one revision, indexed by kind and name, with the problems found
/// between documents: duplicate names and references to documents that do not exist.
public struct DocumentSet: Sendable {
    /// Every document read, in path order (duplicates included, so each is still reported).
    public private(set) var documents: [Document]
    /// Duplicate names and unresolved references.
    public private(set) var diagnostics: [Diagnostic] = []
    private var index: [DocumentReference: Document] = [:]
    /// Every definition of the names defined more than once, in path order.
    fileprivate var definitions: [DocumentReference: [Document]] = [:]
    private var byKind: [DocumentKind: [Document]] = [:]
    private let fieldIndexes = FieldIndexes()
    /// The names "did you mean" hints choose from, by kind, when `documents` is a part of a
    /// larger set (a staged check reads only what the change can reach).
    private let hintNames: [DocumentKind: [String]]?

    /// - Parameter names: every name of each kind in the whole set, in path order, when
    ///   `documents` is only part of it; nil when it is the whole set.
    public init(_ documents: [Document], names: [DocumentKind: [String]]? = nil) {
        hintNames = names
        self.documents = documents.sorted { ($0.file, $0.kind.rawValue) < ($1.file, $1.kind.rawValue) }
        for document in self.documents {
            if let first = index[document.reference] {
                definitions[document.reference, default: [first]].append(document)
                diagnostics.append(Diagnostic(.duplicateName,
                    "\(document.kind.rawValue) '\(document.name)' is defined twice; names are unique within a kind",
                    at: document.nameLocation,
                    notes: [.init("first defined here", at: first.nameLocation)]))
            } else {
                index[document.reference] = document
                byKind[document.kind, default: []].append(document)
            }
        }
        diagnostics += checkReferences()
    }

    public func document(_ kind: DocumentKind, named name: String) -> Document? {
        index[DocumentReference(kind: kind, name: name)]
    }

    /// The canonical documents of a kind (not later duplicates), in path order. Computed once:
    /// rules ask for them for every subject.
    public func documents(of kind: DocumentKind) -> [Document] {
        byKind[kind] ?? []
    }

    /// The canonical documents of a kind whose spec text at `field` is `value` (approvals
    /// of a request, incidents of a model), in path order. Each (kind, field) is indexed on
    /// first use: rules ask for every subject, and a scan each time is quadratic.
    public func documents(of kind: DocumentKind, where field: String, is value: String) -> [Document] {
        fieldIndexes.index(kind, field) {
            Dictionary(grouping: documents(of: kind).compactMap { document in document.text(field).map { ($0, document) } },
                       by: \.0).mapValues { $0.map(\.1) }
        }[value] ?? []
    }

    /// The other documents of the same kind and name (empty unless the name is defined twice).
    public func duplicates(of document: Document) -> [Document] {
        (definitions[document.reference] ?? []).filter { $0 != document }
    }

    /// Whether `document` is the one its name resolves to (not a later duplicate).
    public func isCanonical(_ document: Document) -> Bool {
        index[document.reference] == document
    }

    /// A name-valued field of one document that refers to another document.
    public struct Link: Sendable {
        public var field: String
        public var target: DocumentKind
        public var name: String
        public var location: SourceLocation
        /// The link of `DocumentGraph` this one is an instance of.
        public var graphLink: DocumentGraph.Link
    }

    /// The references a document makes by name that must resolve (`DocumentGraph` links
    /// marked `checked`): a request to its run, card and baseline; a run to its teacher's run.
    public static func links(of document: Document) -> [Link] {
        DocumentGraph.links(from: document.kind).compactMap { link in
            guard link.checked, case .named(let field, let kinds) = link.target,
                  let value = document.spec.value(at: field), let name = value.string else { return nil }
            return Link(field: field, target: kinds[0], name: name, location: value.location, graphLink: link)
        }
    }

    /// The bundle of a request or waiver (`DocumentGraph.bundle`) and its digest; nil digest
    /// when a document the bundle names does not exist.
    public func bundle(of request: Document) -> (documents: [Document], digest: BundleDigest?) {
        let (documents, missing) = DocumentGraph.bundle(of: request, in: self)
        return (documents, missing.isEmpty ? BundleDigest(documents: documents) : nil)
    }

    private func checkReferences() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for document in documents where isCanonical(document) {
            for link in DocumentSet.links(of: document) where index[DocumentReference(kind: link.target, name: link.name)] == nil {
                let names = hintNames?[link.target] ?? documents.filter { $0.kind == link.target }.map(\.name)
                problems.append(Diagnostic(.reference,
                    "spec.\(link.field) refers to \(link.target.rawValue) '\(link.name)', which does not exist\(DidYouMean.hint(for: link.name, among: names))",
                    at: link.location))
            }
            if document.kind == .promotionRequest {
                problems += checkBundleConsistency(document)
            }
        }
        return problems
    }

    /// A request, its run and its card (the links marked `sameSubject`) must describe the
    /// same model and version.
    private func checkBundleConsistency(_ request: Document) -> [Diagnostic] {
        guard let model = request.text("model"), let version = request.text("version") else { return [] }
        var problems: [Diagnostic] = []
        for link in DocumentSet.links(of: request) where link.graphLink.sameSubject {
            guard let target = document(link.target, named: link.name) else { continue }
            let targetModel = target.text("model") ?? "?"
            let targetVersion = target.text("version") ?? "?"
            if targetModel != model || targetVersion != version {
                problems.append(Diagnostic(.reference,
                    "spec.\(link.field) names \(link.target.rawValue) '\(link.name)' of \(targetModel) \(targetVersion), but the request promotes \(model) \(version)",
                    at: link.location,
                    notes: [.init("\(link.target.rawValue) '\(link.name)' is defined here", at: target.nameLocation)]))
            }
        }
        return problems
    }
}

extension DocumentSet: LinkedDocumentIndex {
    public func resolve(_ kind: DocumentKind, named name: String) -> Document? {
        document(kind, named: name)
    }

    public func resolved(_ kind: DocumentKind, where field: String, is value: String) -> [Document] {
        documents(of: kind, where: field, is: value)
    }

    public func resolved(_ kind: DocumentKind) -> [Document] {
        documents(of: kind)
    }

    public func definitions(of document: Document) -> [Document] {
        let all = definitions[document.reference] ?? []
        return all.isEmpty ? [document] : all
    }
}

/// The lazily built field indexes of a `DocumentSet`; a reference so that a set stays a value.
private final class FieldIndexes: @unchecked Sendable {
    private struct Key: Hashable {
        var kind: DocumentKind
        var field: String
    }

    private var indexes: [Key: [String: [Document]]] = [:]
    private let lock = NSLock()

    func index(_ kind: DocumentKind, _ field: String, build: () -> [String: [Document]]) -> [String: [Document]] {
        lock.lock()
        defer { lock.unlock() }
        let key = Key(kind: kind, field: field)
        if let known = indexes[key] { return known }
        let index = build()
        indexes[key] = index
        return index
    }
}
