import Documents
import LibFuzzerDriver

/// The binary form of readings that local checks keep in `.git/tollgate/readings`, from both
/// sides. The first byte chooses:
///
/// - even: the rest is a file. Its reading must come back from the codec exactly (decoding the
///   encoding and encoding again gives the same bytes), and copies of the encoding damaged at
///   places the input chooses, or cut short, must decode without a crash.
/// - odd: the rest is a record as a damaged or hostile store could hold it; decoding must not
///   crash, hang or blow up, whatever it returns.
@main
enum Harness {
    static func main() { TollgateFuzzerMain(CommandLine.argc, CommandLine.unsafeArgv, fuzz) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mode = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    if mode & 1 == 1 {
        _ = ReadingCodec.decode(rest, rest.indices, file: "fuzz.yaml")
        return 0
    }
    let reading = DocumentLoader.read(rest, path: "fuzz.yaml")
    let encoded = ReadingCodec.encode(reading, file: "fuzz.yaml")
    guard let decoded = ReadingCodec.decode(encoded, encoded.indices, file: "fuzz.yaml") else {
        fatalError("a reading the loader made does not decode")
    }
    guard ReadingCodec.encode(decoded, file: "fuzz.yaml") == encoded else {
        fatalError("a reading does not come back from the codec as it was")
    }
    guard !encoded.isEmpty else { return 0 }
    var damaged = encoded
    for (index, byte) in rest.prefix(8).enumerated() {
        damaged[(Int(byte) &* 40503 &+ index &* 977) % damaged.count] ^= 0xa5
    }
    _ = ReadingCodec.decode(damaged, damaged.indices, file: "fuzz.yaml")
    _ = ReadingCodec.decode(encoded, 0..<(encoded.count / 2), file: "fuzz.yaml")
    return 0
}
