import CEL
import Documents
import Policy
import LibFuzzerDriver

/// Evaluates an expression the way an `expr` rule does: Tollgate's functions
/// (`CELBridge.functions`: the standard library plus `psi`, `semverCompare`), the production
/// limits (`ExprCheck.limits`), a resolver for names that are not bound, the result printed
/// as the rule's evidence is, and an error mapped back into the policy file.
///
/// Input: `expression;name=value;name=value…`, split at `;` (not a CEL token). Each `value`
/// is itself a CEL expression evaluated without bindings, so the fuzzer can bind any value:
/// lists, maps, bytes, doubles (NaN too), timestamps, durations. At most 8 bindings.
/// A `CELError` is a correct answer; only a crash, a hang or a memory blow-up is a finding.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: ";", maxSplits: 8, omittingEmptySubsequences: false)
    var bindings: [String: CELValue] = [:]
    for part in parts.dropFirst() {
        guard let equals = part.firstIndex(of: "=") else { continue }
        let name = String(part[..<equals])
        if let program = try? CELProgram(String(part[part.index(after: equals)...]), limits: ExprCheck.limits),
           let value = try? program.evaluate(functions: CELBridge.functions, limits: ExprCheck.limits) {
            bindings[name] = value
        }
    }
    let source = String(parts[0])
    guard let program = try? CELProgram(source, limits: ExprCheck.limits) else { return 0 }
    do {
        let result = try program.evaluate(bindings, functions: CELBridge.functions, limits: ExprCheck.limits,
                                          resolve: { _ in nil })
        _ = "\(source) → \(result)"
    } catch {
        // Every scalar style the expression may have been written in.
        let styles: [YAMLValue.ScalarStyle] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]
        let scalar = YAMLValue(.string(source), at: SourceLocation(file: "policy.yaml", line: 3, column: 11),
                               text: source, style: styles[size % styles.count])
        _ = ExprCheck.location(of: error, in: scalar)
    }
    return 0
}
