import Documents
import XCTest

/// Every refusal names the file, the line and the column, and says what to do.
final class YAMLLoaderErrorTests: XCTestCase {
    // MARK: Not text

    func testANULByteMakesItABinaryFileLocatedAtItsLine() {
        let bytes = Array("a: 1\nb: x".utf8) + [0] + Array("y\n".utf8)
        assertYAMLError(
            bytes, .notText,
            "binary file: byte offset 9 is a NUL byte; Tollgate reads YAML documents only as UTF-8 text",
            at: 2, 5)
    }

    func testInvalidUTF8IsLocatedAtTheFirstBadByte() {
        // 0xC3 0x28: a two-byte lead followed by "(", on line 3.
        let bytes = Array("a: 1\nb: 2\nc: ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        assertYAMLError(
            bytes, .notText,
            "not UTF-8 text: invalid UTF-8 at byte offset 13; save the file as UTF-8",
            at: 3, 4)
    }

    func testOverlongAndSurrogateEncodingsAreInvalidUTF8() {
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            let error = yamlError(Array("k: ".utf8) + bad)
            XCTAssertEqual(error?.reason, .notText, "\(bad)")
            XCTAssertEqual(error?.location, yamlLocation(1, 4), "\(bad)")
        }
    }

    func testByteOffsetsInMessagesCountTheByteOrderMark() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: ".utf8) + [0xFF]
        assertYAMLError(bytes, .notText, "not UTF-8 text: invalid UTF-8 at byte offset 6; save the file as UTF-8", at: 1, 4)
    }

    func testControlCharactersAreRefused() {
        assertYAMLError(
            "a: b\u{7}c\n", .notText,
            "control character U+0007 at byte offset 4 is not allowed in YAML; remove it, or write it as an escape in a double-quoted string",
            at: 1, 5)
    }

    func testAFileOverTheSizeLimitIsRefusedBeforeParsing() {
        assertYAMLError(
            String(repeating: "#", count: 1001), limits: YAMLLimits(maxBytes: 1000), .tooLarge,
            "file is 1001 bytes, over the 1000-byte limit for YAML documents; split it into smaller files",
            at: 1, 1)
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: (4 << 20) + 1)
        assertYAMLError(
            big, .tooLarge,
            "file is 4194305 bytes, over the 4 MiB limit for YAML documents; split it into smaller files",
            at: 1, 1)
    }

    // MARK: Syntax

    func testTabIndentationIsASyntaxErrorWithAHint() {
        assertYAMLError(
            "spec:\n\tmodel: x\n", .syntax,
            "invalid YAML: found character that cannot start any token; indent with spaces, not tabs",
            at: 2, 1)
    }

    func testAnUnclosedBracketNamesWhereTheListStarted() {
        assertYAMLError(
            "owners: [alice, bob\nversion: 2\n", .syntax,
            "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 9)",
            at: 2, 8)
    }

    func testABadIndentIsASyntaxError() {
        assertYAMLError(
            "spec:\n  model: x\n version: 2\n", .syntax,
            "invalid YAML: did not find expected key (while parsing a block mapping at line 1, column 1)",
            at: 3, 2)
    }

    func testAnUnterminatedQuoteIsASyntaxError() {
        assertYAMLError(
            "a: \"open\nb: 1\n", .syntax,
            "invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)",
            at: 3, 1)
    }

    func testAnUndefinedAliasNamesTheMissingAnchor() {
        assertYAMLError(
            "a: 1\nb: *base\n", .syntax,
            "undefined alias '*base': no anchor '&base' is defined before it",
            at: 2, 4)
    }

    // MARK: Keys

    func testADuplicateKeyIsLocatedAtItsSecondOccurrence() {
        assertYAMLError(
            "model: a\nversion: 1\nmodel: b\n", .duplicateKey,
            "duplicate key 'model': the mapping already sets it at line 1, column 1; keep only one",
            at: 3, 1)
    }

    func testADuplicateKeyInAFlowMappingIsLocatedAtItsSecondOccurrence() {
        assertYAMLError(
            "labels: {team: risk, tier: 1, team: fraud}\n", .duplicateKey,
            "duplicate key 'team': the mapping already sets it at line 1, column 10; keep only one",
            at: 1, 31)
    }

    func testADuplicateKeyIsFoundWhateverItsQuotingOrNesting() {
        assertYAMLError(
            "spec:\n  - name: x\n    'name': y\n", .duplicateKey,
            "duplicate key 'name': the mapping already sets it at line 2, column 5; keep only one",
            at: 3, 5)
        assertYAMLError(
            "a: {\"k\": 1, k: 2}\n", .duplicateKey,
            "duplicate key 'k': the mapping already sets it at line 1, column 5; keep only one",
            at: 1, 13)
        assertYAMLError(
            "1: x\n!!int 1: y\n", .duplicateKey,
            "duplicate key '1': the mapping already sets it at line 1, column 1; keep only one",
            at: 2, 1)
    }

    func testOnlyTheSameKeyInTheSameMappingIsADuplicate() throws {
        let document = try loadYAMLDocument("a: {k: 1}\nb: {k: 2}\nk: 3\n")
        XCTAssertEqual(document["b"]?["k"]?.kind, .int(2))
    }

    func testAnAliasUsedAsAKeyIsRefused() {
        assertYAMLError(
            "a: &x k\n*x : v\n", .unsupported,
            "an alias ('*x') cannot be used as a mapping key; write the key as plain text",
            at: 2, 1)
        assertYAMLError(
            "a: &x k\nb: {*x: v}\n", .unsupported,
            "an alias ('*x') cannot be used as a mapping key; write the key as plain text",
            at: 2, 5)
    }

    func testAnExplicitKeyIsRefused() {
        assertYAMLError(
            "? [a, b]\n: value\n", .unsupported,
            "explicit mapping keys ('?') are not supported; write the key as plain text followed by ':'",
            at: 1, 1)
        assertYAMLError(
            "m: {? k : v}\n", .unsupported,
            "explicit mapping keys ('?') are not supported; write the key as plain text followed by ':'",
            at: 1, 5)
    }

    func testAListOrMappingUsedAsAKeyIsRefused() {
        assertYAMLError(
            "[a, b]: value\n", .unsupported,
            "mapping keys must be plain text, not a list or a mapping",
            at: 1, 1)
        assertYAMLError(
            "m: {{a: 1}: v}\n", .unsupported,
            "mapping keys must be plain text, not a list or a mapping",
            at: 1, 5)
    }

    func testMergeKeysAreRefused() {
        assertYAMLError(
            "base: &b {x: 1}\nderived:\n  <<: *b\n", .unsupported,
            "merge keys ('<<') are not supported (YAML 1.2 has none); write the merged keys out",
            at: 3, 3)
    }

    func testAQuotedMergeKeyIsAnOrdinaryKey() throws {
        let document = try loadYAMLDocument("\"<<\": x\n")
        XCTAssertEqual(document.map?.keys, ["<<"])
    }

    func testErrorDescriptionIsFileLineColumnAndMessage() {
        let error = yamlError(Array("a: *nope\n".utf8))
        XCTAssertEqual(
            error?.errorDescription,
            "models/fraud/card.yaml:1:4: undefined alias '*nope': no anchor '&nope' is defined before it")
        XCTAssertEqual(error?.localizedDescription, error?.errorDescription)
    }
}
