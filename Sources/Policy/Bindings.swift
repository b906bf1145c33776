import Documents

/// Builds the evaluation context of a subject: resolves the documents its rules may read.
public enum Bindings {
    /// - Parameter unreadable: documents that files which cannot be read declare, with the
    ///   problem of each: a name bound to one of them is missing because it "cannot be read".
    public static func context(for subject: Document, in set: DocumentSet,
                               repository: (any RepositoryFacts)? = nil,
                               unreadable: [DocumentReference: Diagnostic] = [:]) -> EvaluationContext {
        var bindings: [String: EvaluationContext.Binding] = ["subject": .document(subject)]
        let model = subject.text("model")

        func byName(_ kind: DocumentKind, field: String, of document: Document) -> EvaluationContext.Binding? {
            guard let value = document.spec.value(at: field), let name = value.string else { return nil }
            if let target = set.document(kind, named: name) { return .document(target) }
            if let cause = unreadable[DocumentReference(kind: kind, name: name)] {
                return .missing("spec.\(field) of \(document.kind.rawValue) '\(document.name)': \(cannotBeRead(kind, name, cause))",
                                at: value.location)
            }
            return .missing("\(document.kind.rawValue) '\(document.name)' names \(kind.rawValue) '\(name)' in spec.\(field), which does not exist",
                            at: value.location)
        }
        func sameVersion(_ kind: DocumentKind, model: String?, version: String?) -> Document? {
            guard let model else { return nil }
            return set.documents(of: kind, where: "model", is: model).first { $0.text("version") == version }
        }
        func teacher(of document: Document) -> EvaluationContext.Binding? {
            if document.kind == .runManifest, let named = document.spec.value(at: "teacher.run"), named.string == document.name {
                return .missing("RunManifest '\(document.name)' names itself as its teacher (spec.teacher.run)", at: named.location)
            }
            if let explicit = byName(.runManifest, field: "teacher.run", of: document) { return explicit }
            guard let teacherModel = document.text("teacher.model") else { return nil }
            let teacherVersion = document.text("teacher.version")
            if let run = sameVersion(.runManifest, model: teacherModel, version: teacherVersion) { return .document(run) }
            if let card = sameVersion(.modelCard, model: teacherModel, version: teacherVersion) { return .document(card) }
            return .missing("no RunManifest or ModelCard of teacher \(teacherModel) \(teacherVersion ?? "") exists",
                            at: document.spec.value(at: "teacher")?.location ?? document.nameLocation)
        }
        func unbound(_ name: String, _ why: String) {
            if bindings[name] == nil { bindings[name] = .missing(why, at: subject.nameLocation) }
        }

        switch subject.kind {
        case .promotionRequest:
            bindings["request"] = .document(subject)
            bindings["run"] = byName(.runManifest, field: "run", of: subject)
            bindings["card"] = byName(.modelCard, field: "modelCard", of: subject)
            bindings["baseline"] = byName(.runManifest, field: "baseline", of: subject)
                ?? champion(of: subject, model: model, in: set, repository: repository)
            unbound("run", "the request names no run manifest (spec.run)")
            unbound("card", "the request names no model card (spec.modelCard)")
            if let runValue = bindings["run"]?.value, let runName = runValue["metadata"]?["name"]?.string,
               let run = set.document(.runManifest, named: runName) {
                bindings["teacher"] = teacher(of: run)
            }
            if let run = bindings["run"], run.value == nil, let reason = run.missingReason, let location = run.missingLocation {
                // The teacher is reached through the run: unbound for the same reason, at the same place.
                bindings["teacher"] = .missing(reason, at: location)
            }
            unbound("teacher", "the request's run names no teacher")
            let approvals = set.documents(of: .approval, where: "request", is: subject.name)
            bindings["approvals"] = .documents(approvals, at: subject.nameLocation)
        case .runManifest:
            bindings["run"] = .document(subject)
            if let card = sameVersion(.modelCard, model: model, version: subject.text("version")) {
                bindings["card"] = .document(card)
            }
            unbound("card", "no ModelCard of \(model ?? "?") \(subject.text("version") ?? "?") exists")
            bindings["teacher"] = teacher(of: subject)
            unbound("teacher", "the run names no teacher (spec.teacher)")
        case .modelCard:
            bindings["card"] = .document(subject)
            if let run = sameVersion(.runManifest, model: model, version: subject.text("version")) {
                bindings["run"] = .document(run)
            }
            unbound("run", "no RunManifest of \(model ?? "?") \(subject.text("version") ?? "?") exists")
            bindings["teacher"] = teacher(of: subject)
            unbound("teacher", "the card names no teacher (spec.teacher)")
        default:
            break
        }
        if let model {
            let incidents = set.documents(of: .incident, where: "model", is: model)
            bindings["incidents"] = .documents(incidents, at: subject.nameLocation)
        }
        return EvaluationContext(subject: subject, documents: set, bindings: bindings, repository: repository)
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
        guard let model, let merged = repository.mergedPromotions(of: model).first(where: {
            $0.to == "production" && $0.request.name != request.name
        }) else {
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
