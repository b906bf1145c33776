import CEL
import Documents

/// `expr: "<CEL>"` with `message` or `messageExpression` beside it in the rule: any
/// condition, in the Common Expression Language (as in Kubernetes and Kyverno). The rule
/// holds when the expression is `true`; `false` is a violation with the message; an error
/// (a missing field, a wrong type, a budget exceeded) fails closed.
public struct ExprCheck: Check {
    public static let keyword = "expr"
    public static let summary = """
        A condition in CEL that must evaluate to true. It reads the names a rule binds \
        (`request`, `run`, `card`, `baseline`, `teacher`, `incidents`, `approvals`, `subject`) \
        and the policy's `variables` as `variables.<name>`; Tollgate adds `psi(baseline, current)` \
        and `semverCompare(a, b)`. `message` (text) or `messageExpression` (CEL giving a string) \
        says what failed. A false condition is reported at the value in the documents that \
        decided it (the false term of `&&`, the element `all` failed on, then the first data \
        that part read; through variables that only name data), with the condition as a note, \
        and `policy explain` lists the value of each part; a condition that read no data is \
        reported at the policy. An evaluation error or an exceeded budget fails closed, naming \
        the rule. See docs/cel.md.
        """
    public static let schema = ObjectSchema([
        FieldSchema("expr", .text(), "the CEL condition"),
        .optional("message", .text(), "the message when the condition is false"),
        .optional("messageExpression", .text(), "CEL giving the message when the condition is false"),
    ])

    public static let limits = CELLimits.default

    public var program: CELProgram
    public var source: YAMLValue
    public var message: String?
    public var messageProgram: CELProgram?

    public init?(_ spec: YAMLValue, diagnostics: inout [Diagnostic]) {
        guard let exprValue = spec["expr"], let text = exprValue.string else { return nil }
        source = exprValue
        message = spec["message"]?.string
        do {
            program = try CELProgram(text, limits: Self.limits)
        } catch {
            diagnostics.append(Diagnostic(.schema, "expr: \(error.message)", at: Self.location(of: error, in: exprValue)))
            return nil
        }
        if let messageValue = spec["messageExpression"], let messageText = messageValue.string {
            do {
                messageProgram = try CELProgram(messageText, limits: Self.limits)
            } catch {
                diagnostics.append(Diagnostic(.schema, "messageExpression: \(error.message)", at: Self.location(of: error, in: messageValue)))
                return nil
            }
        }
        if spec["message"] != nil && spec["messageExpression"] != nil {
            diagnostics.append(Diagnostic(.schema, "give either message or messageExpression, not both", at: spec.location))
            return nil
        }
    }

    public func evaluate(in context: EvaluationContext) -> CheckOutcome {
        var outcome = CheckOutcome()
        let scope = CELScope(context: context)
        let text = source.string ?? ""
        do {
            let result = try program.evaluate(scope.bindings(for: program), functions: CELBridge.functions,
                                              limits: Self.limits, resolve: scope.resolve)
            outcome.evidence.append(Evidence(path: "expr", value: YAMLValue(.string("\(text) → \(result)"), at: source.location),
                                             location: source.location))
            switch result {
            case .bool(true):
                break
            case .bool(false):
                let explanation = explain(scope)
                outcome.evidence += parts(of: explanation, in: context)
                // At the data that decided it, with the condition as a note; at the condition
                // when no data decided it.
                if let data = dataLocation(of: explanation.decidingPath, in: context) {
                    outcome.violations.append(Violation(failureMessage(scope, text: text), at: data,
                                                        notes: [.init("the condition is here", at: source.location)]))
                } else {
                    outcome.violations.append(Violation(failureMessage(scope, text: text), at: source.location))
                }
            default:
                outcome.violations.append(Violation(
                    "the expression must give true or false, it gave \(result.typeName) \(result); the rule fails closed",
                    at: source.location))
            }
        } catch {
            outcome.evidence.append(Evidence(path: "expr", value: nil, location: source.location))
            if error.kind != .limit { outcome.evidence += parts(of: explain(scope), in: context) }
            let what = error.kind == .limit ? "exceeded its CEL budget" : "could not be evaluated"
            outcome.violations.append(Violation("the expression \(what): \(error.message); the rule fails closed",
                                                at: Self.location(of: error, in: source)))
        }
        return outcome
    }

    func explain(_ scope: CELScope) -> CELExplanation {
        program.explain(scope.bindings(for: program), functions: CELBridge.functions, limits: Self.limits, resolve: scope.resolve)
    }

    /// The parts of the condition below the whole (which the `expr` evidence already shows),
    /// as evidence: `expr: <part>` = its value (`policy explain` lists them).
    func parts(of explanation: CELExplanation, in context: EvaluationContext) -> [Evidence] {
        explanation.parts.filter { $0.depth > 0 }.map { part in
            // A part that names data is that data, located at it; any other is its value, at the condition.
            if let data = data(at: part.text, in: context) {
                return Evidence(path: "expr: \(part.text)", value: data, location: data.location)
            }
            let location = source.location
            let value: YAMLValue
            switch part.value {
            case .bool(let b)?: value = YAMLValue(.bool(b), at: location)
            case .int(let i)?: value = YAMLValue(.int(Int(i)), at: location)
            case .double(let d)?: value = YAMLValue(.double(d), at: location)
            case .string(let text)?: value = YAMLValue(.string(Self.shortened(text)), at: location)
            case let other?: value = YAMLValue(.string(Self.shortened("\(other)")), at: location, text: nil, style: .plain)
            case nil: value = YAMLValue(.string("error: \(part.error ?? "could not be evaluated")"), at: location, style: .plain)
            }
            return Evidence(path: "expr: \(part.text)", value: value, location: location)
        }
    }

    /// A long value shown in part: explain lists every part on one line.
    static func shortened(_ text: String) -> String {
        text.count <= 120 ? text : String(text.prefix(117)) + "…"
    }

    /// Where the data at `path` (in the bindings' terms) is written: `run.spec.serving.p95Ms`
    /// directly; `variables.serving.p95Ms` through a variable that only names data
    /// (`serving: run.spec.serving`). nil when the path is not data of a document.
    func dataLocation(of path: String?, in context: EvaluationContext) -> SourceLocation? {
        data(at: path, in: context)?.location
    }

    /// The document value at `path` (see `dataLocation`).
    func data(at path: String?, in context: EvaluationContext) -> YAMLValue? {
        guard var path, !path.isEmpty, !path.contains(" ") else { return nil }
        for _ in 0..<8 where path.hasPrefix("variables.") {
            let rest = path.dropFirst("variables.".count)
            let name = rest.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard let variable = context.variables.first(where: { $0.name == name }),
                  let named = variable.program.qualifiedName else { return nil }
            path = named + rest.dropFirst(name.count)
        }
        guard case .found(let value) = context.lookup(path) else { return nil }
        return value
    }

    func failureMessage(_ scope: CELScope, text: String) -> String {
        if let messageProgram {
            if let value = try? messageProgram.evaluate(scope.bindings(for: messageProgram), functions: CELBridge.functions,
                                                        limits: Self.limits, resolve: scope.resolve),
               case .string(let message) = value {
                return message
            }
            return "\(text) is false (its messageExpression did not give a string)"
        }
        return message ?? "\(text) is false"
    }

    /// Where a CEL error points in the policy file: the scalar's position plus the offset in
    /// the expression. Exact for plain and quoted single-line scalars; for block scalars (`|`,
    /// `>`), the line is exact and the column assumes the usual two-space indentation.
    public static func location(of error: CELError, in scalar: YAMLValue) -> SourceLocation {
        var location = scalar.location
        guard let offset = error.offset, let text = scalar.string else { return location }
        let prefix = String(decoding: Array(text.utf8).prefix(offset), as: UTF8.self)
        let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
        switch scalar.style {
        case .literal?, .folded?:
            location.line += lines.count
            location.column = max(1, location.column - 2) + 2 + (lines.last?.count ?? 0)
            if location.column < 1 { location.column = 1 }
        case .singleQuoted?, .doubleQuoted?:
            if lines.count == 1 { location.column += 1 + prefix.count } else {
                location.line += lines.count - 1
                location.column = 1 + (lines.last?.count ?? 0)
            }
        default:
            if lines.count == 1 { location.column += prefix.count } else {
                location.line += lines.count - 1
                location.column = 1 + (lines.last?.count ?? 0)
            }
        }
        return location
    }

    public static let examples: [CheckExample] = [
        CheckExample("a true condition passes", check: "\"run.spec.serving.p95Ms <= 25.0\"",
                     run: "serving: {p50Ms: 9, p95Ms: 21.4, errorRate: 0.01, availability: 0.9995}", expect: .pass),
        CheckExample("heterogeneous numbers compare: the bound itself passes", check: "\"run.spec.serving.p95Ms <= 25\"",
                     run: "serving: {p50Ms: 9, p95Ms: 25, errorRate: 0.01, availability: 0.9995}", expect: .pass),
        CheckExample("macros over slices pass", check: "\"run.spec.slices.all(s, s.support >= 1000)\"",
                     run: "slices: [{name: eu, feature: region, group: eu, support: 4000, metrics: {accuracy: 0.9}}]", expect: .pass),
        CheckExample("semverCompare orders versions", check: "\"semverCompare(request.spec.version, '0.9.10') > 0\"",
                     expect: .pass),
        CheckExample("a false condition blocks with its message", check: "\"run.spec.serving.p95Ms <= 25.0\"",
                     run: "serving: {p50Ms: 9, p95Ms: 28.7, errorRate: 0.01, availability: 0.9995}",
                     expect: .block, message: "run.spec.serving.p95Ms <= 25.0 is false"),
        CheckExample("a missing field fails closed", check: "\"run.spec.serving.p95Ms <= 25.0\"",
                     run: "metrics: {accuracy: 0.9}", expect: .block, message: "could not be evaluated"),
        CheckExample("a wrong type fails closed", check: "\"run.spec.metrics.note < 25\"",
                     run: "metrics: {note: fast}", expect: .block, message: "could not be evaluated"),
        CheckExample("a non-boolean result fails closed", check: "\"run.spec.metrics.accuracy\"",
                     run: "metrics: {accuracy: 0.9}", expect: .block, message: "must give true or false"),
    ]
}

/// The CEL names of one subject: the bindings as values, the policy's variables computed on
/// first use, each seeing only the variables defined before it.
final class CELScope: @unchecked Sendable {
    let context: EvaluationContext
    private var values: [String: CELValue] = [:]
    private var computing: Set<String> = []

    init(context: EvaluationContext) {
        self.context = context
    }

    /// The bound names the program uses (so documents it does not read are not converted).
    func bindings(for program: CELProgram) -> [String: CELValue] {
        var result: [String: CELValue] = [:]
        for name in program.freeVariables where name != "variables" {
            if let value = context.bindings[name]?.value { result[name] = CELBridge.value(value) }
        }
        return result
    }

    /// Resolves `variables.<name>` lazily.
    func resolve(_ name: String) throws(CELError) -> CELValue? {
        guard name.hasPrefix("variables.") else { return nil }
        let key = String(name.dropFirst("variables.".count))
        guard !key.contains("."), let index = context.variables.firstIndex(where: { $0.name == key }) else { return nil }
        if let known = values[key] { return known }
        if computing.contains(key) {
            throw CELError.evaluation("variable '\(key)' refers to itself")
        }
        computing.insert(key)
        defer { computing.remove(key) }
        let variable = context.variables[index]
        let earlier = Set(context.variables.prefix(index).map(\.name))
        let value = try variable.program.evaluate(bindings(for: variable.program), functions: CELBridge.functions,
                                                  limits: ExprCheck.limits) { (inner: String) throws(CELError) -> CELValue? in
            guard inner.hasPrefix("variables.") else { return nil }
            let innerKey = String(inner.dropFirst("variables.".count))
            guard earlier.contains(innerKey) else {
                if self.context.variables.contains(where: { $0.name == innerKey }) {
                    throw CELError.evaluation("variable '\(key)' uses '\(innerKey)', which is defined after it")
                }
                return nil
            }
            return try self.resolve(inner)
        }
        values[key] = value
        return value
    }
}

/// A policy variable: a name and a CEL expression, evaluated lazily per subject.
public struct PolicyVariable: Sendable {
    public var name: String
    public var program: CELProgram
    public var location: SourceLocation

    public init(name: String, program: CELProgram, location: SourceLocation) {
        self.name = name
        self.program = program
        self.location = location
    }
}
