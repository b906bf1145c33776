import Foundation
import CEL
import Documents

/// Turns Policy documents into policies. Any problem makes the policy invalid: the
/// caller stops with exit 2 rather than evaluate a gate that is not what its owners wrote.
public enum PolicyLoader {
    static let ruleKeys = ["id", "description", "enforcement", "runbook", "tags"]
    static let ruleSchema = ObjectSchema([
        FieldSchema("id", .text(.name), "unique in its policy"),
        .optional("description", .text(), "what the rule checks"),
        .optional("enforcement", .oneOf(["block", "warn"]), "block or warn; default: the policy's"),
        .optional("runbook", .text(.relativePath), "what to do when it fails"),
        .optional("tags", .list(.text()), "compliance tags, e.g. soc2:CC8.1"),
        .optional("message", .text(), "expr rules: the message when the condition is false"),
        .optional("messageExpression", .text(), "expr rules: CEL giving that message"),
    ])

    /// Keys that belong to an `expr` rule beside the check key.
    static let exprKeys = ["message", "messageExpression"]

    /// Parses every Policy document; returns the policies and the problems found.
    public static func load(_ documents: [Document]) -> (policies: [Policy], diagnostics: [Diagnostic]) {
        var policies: [Policy] = []
        var diagnostics: [Diagnostic] = []
        for document in documents where document.kind == .policy {
            if let policy = parse(document, diagnostics: &diagnostics) {
                policies.append(policy)
            }
        }
        return (policies.sorted { $0.name < $1.name }, diagnostics)
    }

    static func parse(_ document: Document, diagnostics: inout [Diagnostic]) -> Policy? {
        let spec = document.spec
        guard let matchValue = spec["match"], let rulesValue = spec["rules"]?.list else { return nil }
        let kinds = matchValue["kinds"]?.list?.compactMap { $0.string.flatMap(DocumentKind.init(rawValue:)) } ?? []
        let match = Match(kinds: kinds,
                          from: matchValue["from"]?.list?.compactMap(\.string),
                          to: matchValue["to"]?.list?.compactMap(\.string),
                          models: matchValue["models"]?.list?.compactMap(\.string),
                          labels: Dictionary(uniqueKeysWithValues: (matchValue["labels"]?.map?.entries ?? [])
                              .compactMap { entry in entry.value.string.map { (entry.key, $0) } }))
        let enforcement = spec["enforcement"]?.string.flatMap(Enforcement.init(rawValue:)) ?? .block
        let tags = spec["tags"]?.list?.compactMap(\.string) ?? []
        var rules: [Rule] = []
        var seen: [String: SourceLocation] = [:]
        for item in rulesValue {
            guard let rule = parseRule(item, policyEnforcement: enforcement, policyTags: tags,
                                       diagnostics: &diagnostics) else { continue }
            if let first = seen[rule.id] {
                diagnostics.append(Diagnostic(.schema, "rule id '\(rule.id)' is used twice in policy '\(document.name)'",
                                              at: rule.location, notes: [.init("first used here", at: first)]))
                continue
            }
            seen[rule.id] = rule.location
            rules.append(rule)
        }
        var policy = Policy(name: document.name, description: spec["description"]?.string, match: match,
                            enforcement: enforcement, tags: tags, rules: rules, file: document.file)
        policy.variables = parseVariables(spec["variables"]?.list ?? [], diagnostics: &diagnostics)
        return policy
    }

    /// `spec.variables`: names unique and identifier-shaped, expressions that parse.
    static func parseVariables(_ items: [YAMLValue], diagnostics: inout [Diagnostic]) -> [PolicyVariable] {
        var variables: [PolicyVariable] = []
        for item in items {
            guard let nameValue = item["name"], let name = nameValue.string,
                  let expressionValue = item["expression"], let expression = expressionValue.string else { continue }
            guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                diagnostics.append(Diagnostic(.schema, "variable name '\(name)' must be an identifier (letters, digits, _)", at: nameValue.location))
                continue
            }
            if variables.contains(where: { $0.name == name }) {
                diagnostics.append(Diagnostic(.schema, "variable '\(name)' is defined twice", at: nameValue.location))
                continue
            }
            do {
                variables.append(PolicyVariable(name: name, program: try CELProgram(expression, limits: ExprCheck.limits),
                                                location: nameValue.location))
            } catch {
                diagnostics.append(Diagnostic(.schema, "variable '\(name)': \(error.message)",
                                              at: ExprCheck.location(of: error, in: expressionValue)))
            }
        }
        return variables
    }

    static func parseRule(_ item: YAMLValue, policyEnforcement: Enforcement, policyTags: [String],
                          diagnostics: inout [Diagnostic]) -> Rule? {
        guard let map = item.map else {
            diagnostics.append(Diagnostic(.schema, "spec.rules: each rule must be a mapping, found \(item.typeDescription)",
                                          at: item.location))
            return nil
        }
        let checkKeywords = CheckRegistry.all.map { $0.keyword }
        let checkEntries = map.entries.filter { checkKeywords.contains($0.key) || CheckRegistry.planned.contains($0.key) }
        let common = YAMLMap(map.entries.filter { !checkKeywords.contains($0.key) && !CheckRegistry.planned.contains($0.key) })
        let idText = map["id"]?.text ?? "?"
        let path = "rule '\(idText)'"

        var validator = SchemaValidator()
        var commonSchema = ruleSchema
        commonSchema.fields += (checkKeywords + CheckRegistry.planned).map { FieldSchema.optional($0, .any) }
        let normalized = validator.validate(common, at: item.location, as: commonSchema, path: path, owner: item.location)
        diagnostics += validator.diagnostics

        guard checkEntries.count == 1, let checkEntry = checkEntries.first else {
            let found = checkEntries.map(\.key).joined(separator: ", ")
            diagnostics.append(Diagnostic(.schema,
                "\(path) must have exactly one check (\(checkKeywords.joined(separator: ", "))), found \(checkEntries.isEmpty ? "none" : found)",
                at: map.entry("id")?.keyLocation ?? item.location))
            return nil
        }
        guard let checkType = CheckRegistry.check(named: checkEntry.key) else {
            diagnostics.append(Diagnostic(.schema,
                "\(path): the check '\(checkEntry.key)' is not supported by this version of Tollgate (supported: \(checkKeywords.joined(separator: ", ")))",
                at: checkEntry.keyLocation))
            return nil
        }
        var checkValue = checkEntry.value
        if checkEntry.key == ExprCheck.keyword {
            // `expr: "<CEL>"` keeps its message keys beside it in the rule.
            checkValue = YAMLValue(.map(YAMLMap([checkEntry] + map.entries.filter { exprKeys.contains($0.key) })),
                                   at: checkEntry.keyLocation)
        } else if let stray = map.entries.first(where: { exprKeys.contains($0.key) }) {
            diagnostics.append(Diagnostic(.schema, "\(path): '\(stray.key)' belongs to expr rules", at: stray.keyLocation))
            return nil
        }
        var checkValidator = SchemaValidator()
        let checkSpec = checkValidator.validate(checkValue, as: .object(checkType.schema),
                                                path: "\(path).\(checkEntry.key)", owner: checkEntry.keyLocation)
        guard checkValidator.diagnostics.isEmpty, validator.diagnostics.isEmpty,
              let id = normalized["id"]?.string else {
            diagnostics += checkValidator.diagnostics
            return nil
        }
        var checkProblems: [Diagnostic] = []
        let check = checkType.init(checkSpec, diagnostics: &checkProblems)
        checkProblems += ValuePaths.problems(in: checkSpec, path: "\(path).\(checkEntry.key)")
        diagnostics += checkProblems
        guard let check, checkProblems.isEmpty else { return nil }
        let enforcement = normalized["enforcement"]?.string.flatMap(Enforcement.init(rawValue:)) ?? policyEnforcement
        var rule = Rule(id: id, description: normalized["description"]?.string, enforcement: enforcement,
                        runbook: normalized["runbook"]?.string,
                        tags: policyTags + (normalized["tags"]?.list?.compactMap(\.string) ?? []),
                        check: check, location: normalized["id"]?.location ?? item.location)
        rule.runbookLocation = normalized["runbook"]?.location
        return rule
    }
}

/// Value paths in checks must start with a name SPEC §2 binds (`run.spec...`), so a typo
/// such as `runs.spec.serving.p95Ms` is an invalid policy, not a rule that never passes.
enum ValuePaths {
    static let pathKeys: Set<String> = ["value", "fields"]

    static func problems(in checkSpec: YAMLValue, path: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for entry in checkSpec.map?.entries ?? [] where pathKeys.contains(entry.key) {
            let values = entry.value.list ?? [entry.value]
            for value in values {
                guard let text = value.string else { continue }
                let head = YAMLValue.pathComponents(text).first ?? ""
                if !EvaluationContext.names.contains(head) {
                    problems.append(Diagnostic(.schema,
                        "\(path).\(entry.key): '\(text)' must start with one of \(EvaluationContext.names.joined(separator: ", "))\(DidYouMean.hint(for: head, among: EvaluationContext.names))",
                        at: value.location))
                }
            }
        }
        return problems
    }
}
