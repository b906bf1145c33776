import Documents
import XCTest

/// Values come back with the line and column a user would put their cursor on.
final class YAMLLoaderTests: XCTestCase {
    func testBlockMappingKeysValuesAndListItemsAreLocated() throws {
        let document = try loadYAMLDocument("""
            apiVersion: tollgate/v1
            spec:
              metrics:
                accuracy: 0.897
              owners:
                - alice@example.com
                - name: bob
                  role: approver
            """)
        XCTAssertEqual(document.location, yamlLocation(1, 1))
        let spec = try XCTUnwrap(document.map?.entry("spec"))
        XCTAssertEqual(spec.keyLocation, yamlLocation(2, 1))
        XCTAssertEqual(spec.value.location, yamlLocation(3, 3), "a block mapping starts at its first key")

        let accuracy = try XCTUnwrap(spec.value["metrics"]?.map?.entry("accuracy"))
        XCTAssertEqual(accuracy.keyLocation, yamlLocation(4, 5))
        XCTAssertEqual(accuracy.value.location, yamlLocation(4, 15))
        XCTAssertEqual(accuracy.value.kind, .double(0.897))

        let owners = try XCTUnwrap(spec.value["owners"])
        XCTAssertEqual(owners.location, yamlLocation(6, 5), "a block list starts at its first dash")
        let items = try XCTUnwrap(owners.list)
        XCTAssertEqual(items[0].location, yamlLocation(6, 7))
        XCTAssertEqual(items[0].string, "alice@example.com")
        XCTAssertEqual(items[1].location, yamlLocation(7, 7))
        XCTAssertEqual(items[1].map?.entry("role")?.keyLocation, yamlLocation(8, 7))
        XCTAssertEqual(items[1]["role"]?.location, yamlLocation(8, 13))
    }

    func testFlowMappingsAndListsAreLocated() throws {
        let document = try loadYAMLDocument("""
            metadata: {name: fraud-student, labels: {team: risk}}
            owners: [alice, "bob"]
            """)
        let metadata = try XCTUnwrap(document["metadata"])
        XCTAssertEqual(metadata.location, yamlLocation(1, 11), "a flow mapping starts at its brace")
        XCTAssertEqual(metadata.map?.entry("name")?.keyLocation, yamlLocation(1, 12))
        XCTAssertEqual(metadata["name"]?.location, yamlLocation(1, 18))
        XCTAssertEqual(metadata.map?.entry("labels")?.keyLocation, yamlLocation(1, 33))
        XCTAssertEqual(metadata["labels"]?.location, yamlLocation(1, 41))
        XCTAssertEqual(metadata["labels"]?.map?.entry("team")?.keyLocation, yamlLocation(1, 42))
        XCTAssertEqual(metadata["labels"]?["team"]?.location, yamlLocation(1, 48))

        let owners = try XCTUnwrap(document["owners"])
        XCTAssertEqual(owners.location, yamlLocation(2, 9))
        XCTAssertEqual(owners.list?.map(\.location), [yamlLocation(2, 10), yamlLocation(2, 17)])
    }

    func testIndentlessListUnderAKeyStartsAtItsDash() throws {
        let document = try loadYAMLDocument("limitations:\n- small data\n- english only\n")
        XCTAssertEqual(document["limitations"]?.location, yamlLocation(2, 1))
        XCTAssertEqual(document["limitations"]?.list?.last?.location, yamlLocation(3, 3))
    }

    func testColumnsCountCharactersNotBytes() throws {
        // "é" and "😀" are 2 and 4 bytes in UTF-8 but one column each, as in an editor.
        let document = try loadYAMLDocument("{é: 1, 😀: 2, b: 3}")
        XCTAssertEqual(document.map?.keys, ["é", "😀", "b"])
        XCTAssertEqual(document.map?.entry("😀")?.keyLocation, yamlLocation(1, 8))
        XCTAssertEqual(document.map?.entry("b")?.keyLocation, yamlLocation(1, 14))
        XCTAssertEqual(document["b"]?.location, yamlLocation(1, 17))
    }

    func testWindowsLineEndingsCountOneLineEach() throws {
        let document = try loadYAMLDocument("a: 1\r\nb:\r\n  c: 2\r\n")
        XCTAssertEqual(document["b"]?.map?.entry("c")?.keyLocation, yamlLocation(3, 3))
        XCTAssertEqual(document["b"]?["c"]?.kind, .int(2))
    }

    func testAnEmptyValueIsNullLocatedRightAfterItsColon() throws {
        let document = try loadYAMLDocument("runbook:\nlicense: mit\n")
        XCTAssertEqual(document["runbook"]?.kind, .null)
        XCTAssertEqual(document["runbook"]?.text, "")
        XCTAssertEqual(document["runbook"]?.location, yamlLocation(1, 9))
    }

    func testMappingKeepsSourceOrder() throws {
        let document = try loadYAMLDocument("zeta: 1\nalpha: 2\nmid: 3\n")
        XCTAssertEqual(document.map?.keys, ["zeta", "alpha", "mid"])
    }

    func testKeysAreTheirScalarTextWhateverTheyWouldResolveTo() throws {
        let document = try loadYAMLDocument("1: one\non: yes\n1.10: x\n~: tilde\n\"quoted key\": q\n")
        XCTAssertEqual(document.map?.keys, ["1", "on", "1.10", "~", "quoted key"])
    }

    func testAliasesExpandToTheAnchoredValueWithItsOwnLocation() throws {
        let document = try loadYAMLDocument("""
            defaults: &defaults {p95Ms: 25, errorRate: 0.01}
            staging: *defaults
            teams: [&risk risk, *risk]
            """)
        XCTAssertEqual(document["staging"]?["p95Ms"]?.kind, .int(25))
        XCTAssertEqual(document["staging"]?.map?.keys, ["p95Ms", "errorRate"])
        XCTAssertEqual(document["staging"]?.location, yamlLocation(1, 11), "an alias's value is located where it was written")
        XCTAssertEqual(document["teams"]?.list?.map(\.string), ["risk", "risk"])
    }

    func testEveryDocumentOfAStreamIsReturnedInOrder() throws {
        let documents = try loadYAML("""
            kind: ModelCard
            ---
            kind: RunManifest
            ...
            --- 42
            """)
        XCTAssertEqual(documents.count, 3)
        XCTAssertEqual(documents[0]["kind"]?.string, "ModelCard")
        XCTAssertEqual(documents[1]["kind"]?.string, "RunManifest")
        XCTAssertEqual(documents[1].location, yamlLocation(3, 1))
        XCTAssertEqual(documents[2].kind, .int(42))
        XCTAssertEqual(documents[2].location, yamlLocation(5, 5))
    }

    func testADocumentThatIsOneScalarReturnsThatScalar() throws {
        let document = try loadYAMLDocument("just text\n")
        XCTAssertEqual(document.kind, .string("just text"))
        XCTAssertEqual(document.location, yamlLocation(1, 1))
    }

    func testAnExplicitlyEmptyDocumentIsNull() throws {
        let documents = try loadYAML("---\n---\na: 1\n")
        XCTAssertEqual(documents.map(\.isNull), [true, false])
    }

    func testEmptyFilesAndCommentOnlyFilesHoldNoDocuments() throws {
        XCTAssertEqual(try loadYAML(""), [])
        XCTAssertEqual(try loadYAML("\n\n   \n"), [])
        XCTAssertEqual(try loadYAML("# nothing here yet\n  # still nothing\n"), [])
    }

    func testAByteOrderMarkIsAcceptedAndDoesNotShiftColumns() throws {
        let documents = try YAMLLoader.load([0xEF, 0xBB, 0xBF] + Array("name: x\n".utf8), file: yamlTestFile)
        XCTAssertEqual(documents.first?.map?.entry("name")?.keyLocation, yamlLocation(1, 1))
        XCTAssertEqual(documents.first?["name"]?.location, yamlLocation(1, 7))
    }

    func testScalarTextAndStyleAreKeptForEveryStyle() throws {
        let document = try loadYAMLDocument("""
            plain: a plain
              scalar over
               lines
            single: 'it''s'
            double: "tab\\there"
            literal: |
              line one
              line two
            folded: >
              folded
              text

              new paragraph
            strip: |-
              no newline
            """)
        func check(_ key: String, _ text: String, _ style: YAMLValue.ScalarStyle, line: UInt = #line) {
            XCTAssertEqual(document[key]?.text, text, line: line)
            XCTAssertEqual(document[key]?.style, style, line: line)
            XCTAssertEqual(document[key]?.string, text, line: line)
        }
        check("plain", "a plain scalar over lines", .plain)
        check("single", "it's", .singleQuoted)
        check("double", "tab\there", .doubleQuoted)
        check("literal", "line one\nline two\n", .literal)
        check("folded", "folded text\nnew paragraph\n", .folded)
        check("strip", "no newline", .literal)
        XCTAssertEqual(document["literal"]?.location, yamlLocation(6, 10), "a block scalar starts at its indicator")
    }

    func testCollectionsHaveNoTextOrStyle() throws {
        let document = try loadYAMLDocument("a: [1]\n")
        XCTAssertNil(document.text)
        XCTAssertNil(document.style)
        XCTAssertNil(document["a"]?.text)
    }

    func testLoadingAStringMatchesLoadingItsBytes() throws {
        let text = "a: [1, {b: c}]\n"
        XCTAssertEqual(
            try YAMLLoader.load(text, file: yamlTestFile),
            try YAMLLoader.load(Array(text.utf8), file: yamlTestFile))
    }
}
