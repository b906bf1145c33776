import Documents
import Foundation
import XCTest

/// The binary form readings are kept in between runs (`.git/tollgate/readings`): every reading
/// the loader makes of the project's files comes back exactly, and damaged bytes never decode
/// into a document.
final class ReadingCodecTests: XCTestCase {
    static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every YAML file of the fixtures and the default pack: valid documents, invalid ones,
    /// hostile ones (aliases, budgets, encodings), the demo repositories.
    func projectYAMLFiles() throws -> [(path: String, bytes: [UInt8])] {
        var files: [(String, [UInt8])] = []
        for directory in ["fixtures", "policies"] {
            let base = Self.projectRoot.appendingPathComponent(directory)
            let walker = try XCTUnwrap(FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]))
            for case let url as URL in walker where ["yaml", "yml"].contains(url.pathExtension) {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                      let data = FileManager.default.contents(atPath: url.path) else { continue }
                files.append((String(url.path.dropFirst(Self.projectRoot.path.count + 1)), [UInt8](data)))
            }
        }
        return files.sorted { $0.0 < $1.0 }
    }

    func roundTrip(_ reading: DocumentLoader.Reading, file: String) -> DocumentLoader.Reading? {
        let bytes = ReadingCodec.encode(reading, file: file)
        return ReadingCodec.decode(bytes, bytes.indices, file: file)
    }

    func testEveryReadingOfTheProjectsFilesComesBackExactly() throws {
        let files = try projectYAMLFiles()
        XCTAssertGreaterThan(files.count, 100, "the fixtures are found")
        var kinds: [String: Int] = [:]
        for (path, bytes) in files {
            let reading = DocumentLoader.read(bytes, path: path)
            let decoded = try XCTUnwrap(roundTrip(reading, file: path), "\(path) does not decode")
            switch (reading, decoded) {
            case (.notTollgate, .notTollgate):
                kinds["notTollgate", default: 0] += 1
            case (.document(let document, let problems), .document(let back, let backProblems)):
                XCTAssertEqual(back, document, path)
                XCTAssertEqual(backProblems, problems, path)
                kinds[problems.isEmpty ? "document" : "document with problems", default: 0] += 1
            case (.unreadable(let problems), .unreadable(let backProblems)):
                XCTAssertEqual(backProblems, problems, path)
                kinds["unreadable", default: 0] += 1
            default:
                XCTFail("\(path): \(reading) came back as \(decoded)")
            }
        }
        // The corpus exercises every case, or the test proves less than it claims.
        for kind in ["document", "document with problems", "unreadable", "notTollgate"] {
            XCTAssertGreaterThan(kinds[kind] ?? 0, 0, "no \(kind) among the fixtures: \(kinds)")
        }
    }

    func testScalarsStylesNumbersAndOtherFilesSurvive() throws {
        let yaml = """
            apiVersion: tollgate/v1
            kind: RunManifest
            metadata: {name: "run-1", labels: {team: risk, "ünïcode": "ja"}}
            spec:
              model: 'm'
              version: 1.10
              big: 9223372036854775807
              small: -9223372036854775808
              zero: -0.0
              inf: .inf
              nan: .nan
              yes: yes
              none: ~
              folded: >
                two
                lines
              literal: |
                kept
              list: [1, "2", [3, {a: b}]]
            """
        // Loaded as plain YAML (a schema would drop the unknown keys) and wrapped in a document.
        let root = try XCTUnwrap(YAMLLoader.load(Array(yaml.utf8), file: "runs/ü r.yaml").first)
        let nameLocation = try XCTUnwrap(root.value(at: "metadata.name")?.location)
        let problem = Diagnostic(.schema, "unknown key", at: nameLocation, severity: .warning)
        let reading = DocumentLoader.Reading.document(
            Document(kind: .runManifest, name: "run-1", labels: ["team": "risk", "ünïcode": "ja"], file: "runs/ü r.yaml",
                     root: root, nameLocation: nameLocation), [problem])
        guard case .document(let document, let problems) = reading,
              case .document(let back, let backProblems)? = roundTrip(reading, file: "runs/ü r.yaml") else {
            return XCTFail("not a document: \(reading)")
        }
        XCTAssertEqual(backProblems, problems)
        XCTAssertEqual(back.labels, document.labels)
        XCTAssertEqual(back.nameLocation, document.nameLocation)
        // NaN is not equal to itself: compare the rest, then NaN by its bits.
        XCTAssertEqual(back.spec["nan"]?.number.map { $0.isNaN }, true)
        XCTAssertEqual(back.spec["zero"]?.number.map { $0.sign }, .minus)
        XCTAssertEqual(back.spec["big"]?.kind, .int(Int.max))
        XCTAssertEqual(back.spec["small"]?.kind, .int(Int.min))
        for key in document.spec.map?.keys ?? [] where key != "nan" {
            XCTAssertEqual(back.spec[key], document.spec[key], key)
        }
        XCTAssertEqual(back.spec["folded"]?.style, .folded)
        XCTAssertEqual(back.spec["model"]?.style, .singleQuoted)
        XCTAssertEqual(back.spec["version"]?.text, "1.10")

        // A diagnostic whose note points into another file keeps that file.
        let elsewhere = Diagnostic(.duplicateName, "defined twice", at: SourceLocation(file: "a.yaml", line: 3, column: 9),
                                   notes: [.init("first defined here", at: SourceLocation(file: "b.yaml", line: 7, column: 1))])
        guard case .unreadable(let kept)? = roundTrip(.unreadable([elsewhere]), file: "a.yaml") else {
            return XCTFail("the diagnostic does not come back")
        }
        XCTAssertEqual(kept, [elsewhere])
    }

    func testTheSameBytesDecodeUnderAnotherPathWithThatPath() throws {
        let yaml = try XCTUnwrap(projectYAMLFiles().first { $0.path.hasSuffix("run-8812.yaml") })
        let bytes = ReadingCodec.encode(DocumentLoader.read(yaml.bytes, path: "old/place.yaml"), file: "old/place.yaml")
        guard case .document(let moved, _)? = ReadingCodec.decode(bytes, bytes.indices, file: "new/place.yaml") else {
            return XCTFail("does not decode")
        }
        XCTAssertEqual(moved.file, "new/place.yaml")
        XCTAssertEqual(moved.nameLocation.file, "new/place.yaml")
        guard case .document(let direct, _) = DocumentLoader.read(yaml.bytes, path: "new/place.yaml") else { return XCTFail() }
        XCTAssertEqual(moved, direct)
    }

    func testDamagedBytesAreAMissNeverAWrongDocumentOrACrash() throws {
        let yaml = try XCTUnwrap(projectYAMLFiles().first { $0.path.hasSuffix("run-8812.yaml") })
        let reading = DocumentLoader.read(yaml.bytes, path: "run.yaml")
        let bytes = ReadingCodec.encode(reading, file: "run.yaml")
        XCTAssertGreaterThan(bytes.count, 500)
        // Every proper prefix is cut short somewhere: nil.
        for length in 0..<bytes.count {
            XCTAssertNil(ReadingCodec.decode(bytes, 0..<length, file: "run.yaml"), "prefix of \(length) bytes decoded")
        }
        // Trailing bytes: nil.
        let longer = bytes + [0]
        XCTAssertNil(ReadingCodec.decode(longer, longer.indices, file: "run.yaml"))
        // Any single byte changed: no crash; whatever decodes is checked for shape only.
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= UInt8.random(in: 1...255, using: &generator)
            _ = ReadingCodec.decode(damaged, damaged.indices, file: "run.yaml")
        }
        // Hostile lengths and depths.
        let hostile: [[UInt8]] = [
            [0, 1] + [UInt8](repeating: 0xff, count: 12),          // a length past the end
            [0, 9],                                                 // an unknown reading
            [5] + [UInt8](repeating: 0xff, count: 20),              // a huge file table
            [0, 1, 3, 65, 65, 65, 1, 1, 65, 0, 0]                   // a kind that does not exist
                + [UInt8](repeating: 0, count: 8),
            [0, 1, 11] + Array("RunManifest".utf8) + [1, 65, 0, 0]  // lists in lists, 100,000 deep
                + Array([[UInt8]](repeating: [6, 0, 1, 1, 1], count: 100_000).joined()),
        ]
        for bytes in hostile {
            XCTAssertNil(ReadingCodec.decode(bytes, bytes.indices, file: "x.yaml"))
        }
    }

    /// The summaries a staged check selects documents by come back as the documents give them,
    /// and a summary cut short is no summary.
    func testEverySummaryOfTheProjectsFilesComesBackExactly() throws {
        var documents = 0
        for (path, bytes) in try projectYAMLFiles() {
            let reading = DocumentLoader.read(bytes, path: path)
            let encoded = DocumentSummary.encode(reading)
            let decoded = try XCTUnwrap(DocumentSummary.decode(encoded, encoded.indices, file: path), "\(path) does not decode")
            guard case .document(let document, _) = reading else {
                XCTAssertNil(decoded, path)
                continue
            }
            documents += 1
            XCTAssertEqual(decoded, DocumentSummary(document), path)
            for length in 0..<encoded.count {
                XCTAssertNil(DocumentSummary.decode(encoded, 0..<length, file: path) ?? nil, "\(path): a prefix of \(length) bytes decoded")
            }
        }
        XCTAssertGreaterThan(documents, 50)
    }
}
