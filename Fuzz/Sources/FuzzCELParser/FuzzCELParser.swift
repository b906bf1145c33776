import CEL
import LibFuzzerDriver

/// Lexes and parses the input as a CEL expression with the production limits (those of
/// `ExprCheck.limits`: 100,000 bytes, depth 250), as a policy's `expr`, `messageExpression`
/// or `variables` entry is compiled. A `CELError` is a correct answer.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Policy text comes out of YAML, so it is always valid UTF-8; the decoding repairs the rest.
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? CELProgram(source, limits: .default)
    return 0
}
