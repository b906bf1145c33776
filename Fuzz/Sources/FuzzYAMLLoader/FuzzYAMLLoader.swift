import Documents
import LibFuzzerDriver

/// The YAML loader as `policy check` runs it on any file of the repository: the text check,
/// the key scanner, the libyaml event composer and the core-schema conversion, with the production budgets
/// (4 MiB, 100,000 nodes, depth 128). A `YAMLError` is a correct answer; only a crash, a
/// hang or a memory blow-up is a finding.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? YAMLLoader.load(bytes, file: "fuzz.yaml", limits: .default)
    return 0
}
