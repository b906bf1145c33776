import Documents
import XCTest

/// Plain scalars mean what the YAML 1.2 core schema says, not what YAML 1.1 said.
final class YAMLCoreSchemaTests: XCTestCase {
    private func value(_ scalar: String, line: UInt = #line) throws -> YAMLValue {
        let document = try loadYAMLDocument("v: \(scalar)\n")
        return try XCTUnwrap(document["v"], line: line)
    }

    private func assertKind(_ scalar: String, _ kind: YAMLValue.Kind, line: UInt = #line) {
        do {
            let value = try value(scalar, line: line)
            XCTAssertEqual(value.kind, kind, "v: \(scalar)", line: line)
        } catch {
            XCTFail("v: \(scalar) failed: \(error)", line: line)
        }
    }

    func testYAML11BooleanWordsAreStrings() {
        for word in ["no", "yes", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"] {
            assertKind(word, .string(word))
        }
    }

    func testCoreSchemaBooleans() {
        for word in ["true", "True", "TRUE"] { assertKind(word, .bool(true)) }
        for word in ["false", "False", "FALSE"] { assertKind(word, .bool(false)) }
        assertKind("tRUE", .string("tRUE"))
    }

    func testCoreSchemaNulls() {
        for word in ["null", "Null", "NULL", "~", ""] { assertKind(word, .null) }
        assertKind("nULL", .string("nULL"))
    }

    func testCoreSchemaIntegers() {
        assertKind("42", .int(42))
        assertKind("-17", .int(-17))
        assertKind("+5", .int(5))
        assertKind("0123", .int(123))
        assertKind("0x1F", .int(31))
        assertKind("0o17", .int(15))
        assertKind("0b101", .string("0b101"))
        assertKind("1_000", .string("1_000"))
        assertKind("-0x1F", .string("-0x1F"))
        assertKind("0x", .string("0x"))
        assertKind("0o8", .string("0o8"))
    }

    func testIntegersTooLargeForIntBecomeDoublesAndKeepTheirText() throws {
        let huge = try value("123456789012345678901234567890")
        XCTAssertEqual(huge.kind, .double(1.2345678901234568e29))
        XCTAssertEqual(huge.text, "123456789012345678901234567890")
        XCTAssertEqual(try value("0xFFFFFFFFFFFFFFFFFF").number, 4.722366482869645e21)
    }

    func testCoreSchemaFloats() {
        assertKind("0.5", .double(0.5))
        assertKind("-.5", .double(-0.5))
        assertKind("1.", .double(1))
        assertKind("1e3", .double(1000))
        assertKind("6.02E+23", .double(6.02e23))
        assertKind(".inf", .double(.infinity))
        assertKind("-.Inf", .double(-.infinity))
        assertKind("+.INF", .double(.infinity))
        assertKind("1.2.3", .string("1.2.3"))
        assertKind(".", .string("."))
        assertKind("1e", .string("1e"))
        assertKind("1_000.5", .string("1_000.5"))
    }

    func testNotANumberIsADouble() throws {
        for word in [".nan", ".NaN", ".NAN"] {
            let number = try XCTUnwrap(try value(word).number)
            XCTAssertTrue(number.isNaN, word)
        }
    }

    func testVersionLikeNumbersKeepTheirTextForFieldsThatWantText() throws {
        let version = try value("1.10")
        XCTAssertEqual(version.kind, .double(1.1))
        XCTAssertEqual(version.text, "1.10")
        XCTAssertEqual(version.style, .plain)
    }

    func testQuotedAndBlockScalarsAreAlwaysStrings() throws {
        assertKind("\"1.10\"", .string("1.10"))
        assertKind("'true'", .string("true"))
        assertKind("\"true\"", .string("true"))
        assertKind("''", .string(""))
        assertKind("'~'", .string("~"))
        let document = try loadYAMLDocument("v: |\n  42\n")
        XCTAssertEqual(document["v"]?.kind, .string("42\n"))
    }

    func testOtherPlainTextIsAString() {
        assertKind("2024-05-01", .string("2024-05-01"))
        assertKind("12:30", .string("12:30"))
        assertKind("fraud-student", .string("fraud-student"))
        assertKind("=", .string("="))
        assertKind("<<", .string("<<"))
    }

    func testExplicitCoreTagsConvertTheText() {
        assertKind("!!str 42", .string("42"))
        assertKind("!!str true", .string("true"))
        assertKind("! 42", .string("42"))
        assertKind("!!int \"42\"", .int(42))
        assertKind("!!float 3", .double(3))
        assertKind("!!float \"2.5\"", .double(2.5))
        assertKind("!!bool True", .bool(true))
        assertKind("!!null ~", .null)
        assertKind("!<tag:yaml.org,2002:str> 7", .string("7"))
        assertKind("!!map {a: 1}", .map(YAMLMap([
            YAMLMap.Entry(key: "a", keyLocation: yamlLocation(1, 11), value: YAMLValue(.int(1), at: yamlLocation(1, 14), text: "1", style: .plain)),
        ])))
        assertKind("!!seq []", .list([]))
    }

    func testAnExplicitTagWhoseTextDoesNotMatchIsRefused() {
        assertYAMLError("v: !!int abc\n", .unsupported, "'abc' is not a valid !!int value; fix the value or remove the tag", at: 1, 4)
        assertYAMLError("v: !!bool yes\n", .unsupported, "'yes' is not a valid !!bool value; fix the value or remove the tag", at: 1, 4)
        assertYAMLError("v: !!null nothing\n", .unsupported, "'nothing' is not a valid !!null value; fix the value or remove the tag", at: 1, 4)
        assertYAMLError("v: !!float 1.2.3\n", .unsupported, "'1.2.3' is not a valid !!float value; fix the value or remove the tag", at: 1, 4)
    }

    func testTagsOutsideTheCoreSchemaAreRefused() {
        assertYAMLError("v: !custom x\n", .unsupported, "tag '!custom' is not supported; remove it", at: 1, 4)
        assertYAMLError("v: !!binary aGVsbG8=\n", .unsupported, "tag '!!binary' is not supported; remove it", at: 1, 4)
        assertYAMLError("v: !!timestamp 2024-01-01\n", .unsupported, "tag '!!timestamp' is not supported; remove it", at: 1, 4)
        assertYAMLError("v: !!set {a}\n", .unsupported, "tag '!!set' is not supported on a mapping; remove it", at: 1, 4)
        assertYAMLError("v: !!map [a]\n", .unsupported, "tag '!!map' is not supported on a list; remove it", at: 1, 4)
        assertYAMLError("v: !!seq x\n", .unsupported, "tag '!!seq' cannot be used on a scalar; remove it", at: 1, 4)
        assertYAMLError("!custom k: v\n", .unsupported, "tag '!custom' is not supported on a mapping key; remove it", at: 1, 1)
    }
}
