import Documents

/// Builds the evaluation context of a subject: resolves the documents its rules may read.
public enum Bindings {
    /// - Parameter unreadable: documents that files which cannot be read declare, with the
    ///   problem of each: a name bound to one of them is missing because it "cannot be read".
    public static func context(for subject: Document, in set: DocumentSet,
                               repository: (any RepositoryFacts)? = nil,
                               unreadable: [DocumentReference: Diagnostic] = [:]) -> EvaluationContext {
        var bindings: [String: EvaluationContext.Binding] = ["subject": .document(subject)]
        if let own = ownName[subject.kind] { bindings[own] = .document(subject) }
        for (name, binding) in linked(from: subject, in: set, unreadable: unreadable) where bindings[name] == nil {
            bindings[name] = binding
        }
        if subject.kind == .promotionRequest, bindings["baseline"] == nil {
            bindings["baseline"] = champion(of: subject, model: subject.text("model"), in: set, repository: repository)
        }
        for (name, why) in unboundReasons(of: subject) where bindings[name] == nil {
            bindings[name] = .missing(why, at: subject.nameLocation)
        }
        return EvaluationContext(subject: subject, documents: set, bindings: bindings, repository: repository)
    }

    /// The name a subject is bound by itself.
    static let ownName: [DocumentKind: String] = [.promotionRequest: "request", .runManifest: "run", .modelCard: "card"]

    /// Why a name stays unbound when no link of the subject binds it, by kind.
    static func unboundReasons(of subject: Document) -> KeyValuePairs<String, String> {
        let model = subject.text("model") ?? "?", version = subject.text("version") ?? "?"
        switch subject.kind {
        case .promotionRequest:
            return ["run": "the request names no run manifest (spec.run)", "card": "the request names no model card (spec.modelCard)",
                    "teacher": "the request's run names no teacher"]
        case .runManifest:
            return ["card": "no ModelCard of \(model) \(version) exists", "teacher": "the run names no teacher (spec.teacher)"]
        case .modelCard:
            return ["run": "no RunManifest of \(model) \(version) exists", "teacher": "the card names no teacher (spec.teacher)"]
        default:
            return [:]
        }
    }

    /// What the links of `DocumentGraph` from `document` bind, by binding name, resolved as the
    /// graph resolves them (the bundle is the same walk): a link that `follows` also binds the
    /// names its target binds that `document` does not (a request's teacher is its run's).
    static func linked(from document: Document, in set: DocumentSet,
                       unreadable: [DocumentReference: Diagnostic]) -> [String: EvaluationContext.Binding] {
        var result: [String: EvaluationContext.Binding] = [:]
        var followed: [(kind: DocumentKind, target: Document?, binding: EvaluationContext.Binding)] = []
        for link in DocumentGraph.links(from: document.kind) {
            guard let name = link.binding, result[name] == nil else { continue }
            let targets = DocumentGraph.targets(of: link, from: document, in: set, .exact)
            switch link.target {
            case .named(let field, let kinds):
                guard let value = document.spec.value(at: field), let targetName = value.string else { continue }
                if let target = targets.first, target.reference == document.reference {
                    result[name] = .missing("\(document.kind.rawValue) '\(document.name)' names itself as its \(name) (spec.\(field))",
                                            at: value.location)
                } else if let target = targets.first {
                    result[name] = .document(target)
                } else if let cause = unreadable[DocumentReference(kind: kinds[0], name: targetName)] {
                    result[name] = .missing("spec.\(field) of \(document.kind.rawValue) '\(document.name)': \(cannotBeRead(kinds[0], targetName, cause))",
                                            at: value.location)
                } else {
                    result[name] = .missing("\(document.kind.rawValue) '\(document.name)' names \(kinds[0].rawValue) '\(targetName)' in spec.\(field), which does not exist",
                                            at: value.location)
                }
                if link.follows, let bound = result[name] {
                    followed.append((kinds[0], targets.first.flatMap { $0.reference == document.reference ? nil : $0 }, bound))
                }
            case .sameModel(let modelField, let versionField, let kinds):
                guard let model = document.text(modelField) else { continue }
                if let target = targets.first {
                    result[name] = .document(target)
                } else if link.fallback {
                    // A named model and version that nothing describes: missing, where it is named.
                    let parent = modelField.split(separator: ".").dropLast().joined(separator: ".")
                    result[name] = .missing("no \(kinds.map(\.rawValue).joined(separator: " or ")) of \(name) \(model) \(document.text(versionField) ?? "") exists",
                                            at: document.spec.value(at: parent)?.location ?? document.nameLocation)
                }
            case .naming(_, _, let key):
                if let key, document.text(key) == nil { continue }
                result[name] = .documents(targets, at: document.nameLocation)
            }
        }
        // Only names the document does not bind itself come through a followed link (a request
        // without a card does not take its run's).
        let own = Set(DocumentGraph.links(from: document.kind).compactMap(\.binding))
        for (kind, target, binding) in followed {
            if let target {
                for (name, bound) in linked(from: target, in: set, unreadable: unreadable) where !own.contains(name) && result[name] == nil {
                    result[name] = bound
                }
            } else if let reason = binding.missingReason, let location = binding.missingLocation {
                // What is reached through a missing document is missing for the same reason, at the same place.
                for name in DocumentGraph.links(from: kind).compactMap(\.binding) where !own.contains(name) && result[name] == nil {
                    result[name] = .missing(reason, at: location)
                }
            }
        }
        return result
    }

    /// The model's latest production promotion merged into the branch, other than `request`:
    /// the promotion whose run is the champion. Nil for a model's first production release.
    ///
    /// `request` itself, once merged, is in that history too; it is left out only as it was
    /// merged (same name, same run). A released request edited into the next release (same
    /// name, another run) has the release it recorded as its champion: left out by name, it
    /// would be the model's "first release" and the regression rule would not apply.
    public static func championPromotion(of request: Document, model: String,
                                         repository: any RepositoryFacts) -> MergedPromotion? {
        repository.mergedPromotions(of: model).first { merged in
            merged.to == "production"
                && (merged.request.name != request.name || merged.request.text("run") != request.text("run"))
        }
    }

    /// "ModelCard 'x' cannot be read (models/x.yaml:10:3: invalid YAML: …)".
    static func cannotBeRead(_ kind: DocumentKind, _ name: String, _ cause: Diagnostic) -> String {
        "\(kind.rawValue) '\(name)' cannot be read (\(cause.location): \(cause.message))"
    }

    /// The default baseline of a request (SPEC §1): the run of the model's latest production
    /// promotion merged into the branch, other than the request itself.
    static func champion(of request: Document, model: String?, in set: DocumentSet,
                         repository: (any RepositoryFacts)?) -> EvaluationContext.Binding {
        guard let repository else {
            return .missing("the request names no baseline (spec.baseline) and no history is available to find the champion",
                            at: request.nameLocation)
        }
        guard let model, let merged = championPromotion(of: request, model: model, repository: repository) else {
            return .missing("the request names no baseline (spec.baseline) and no production promotion of \(model ?? "?") was merged before",
                            at: request.nameLocation)
        }
        guard let runName = merged.request.text("run"), let run = set.document(.runManifest, named: runName) else {
            return .missing("the champion's run '\(merged.request.text("run") ?? "?")' (of \(merged.request.name), merged in \(merged.commit)) no longer exists",
                            at: request.nameLocation)
        }
        return .document(run)
    }
}
