import Documents
import LibFuzzerDriver

/// What a subject file reaches after YAML: `DocumentLoader.read` (envelope, metadata, the
/// schema of the kind it names, "did you mean" hints), and then the same parsed `spec` (or the
/// whole document when it has none) validated against the spec schema of every kind, so that
/// one mutated input reaches all of them. Diagnostics are correct answers; only a crash, a
/// hang or a memory blow-up is a finding.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = DocumentLoader.read(bytes, path: "fuzz.yaml", limits: .default)
    guard let values = try? YAMLLoader.load(bytes, file: "fuzz.yaml", limits: .default) else { return 0 }
    for value in values {
        let spec = value["spec"] ?? value
        for kind in DocumentKind.allCases {
            var validator = SchemaValidator()
            _ = validator.validate(spec, as: .object(kind.specSchema), path: "spec", owner: spec.location)
        }
    }
    return 0
}
