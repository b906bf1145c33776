import GitKit
import LibFuzzerDriver

/// `RawCommit(parsing:)` on the raw bytes of a commit object, as Tollgate reads every commit
/// that changed an approval or a protected path, in both object formats. A `GitError` is a
/// correct answer; only a crash, a hang or a memory blow-up is a finding.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? RawCommit(parsing: bytes, format: .sha1)
    _ = try? RawCommit(parsing: bytes, format: .sha256)
    return 0
}
