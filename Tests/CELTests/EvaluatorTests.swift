@testable import CEL
import XCTest

final class EvaluatorTests: XCTestCase {
    func testLogicalOperatorsAreCommutativeAndAbsorbErrors() {
        XCTAssertCEL("false && 1/0 == 1", false)
        XCTAssertCEL("1/0 == 1 && false", false)
        XCTAssertCEL("true || missing", true)
        XCTAssertCEL("missing || true", true)
        XCTAssertCEL("'text' && false", false, "a non-boolean is absorbed like an error")
        XCTAssertCELError("1/0 == 1 && true", .evaluation, "division by zero")
        XCTAssertCELError("true && missing", .evaluation, "undeclared reference to 'missing'")
        XCTAssertCELError("false || 'text'", .evaluation, "no matching overload")
        XCTAssertCEL("a && b && c || d", true, ["a": true, "b": false, "c": true, "d": true])
        XCTAssertCEL("!true", false)
        XCTAssertCELError("!1", .evaluation, "'!_'")
    }

    func testConditionalEvaluatesOnlyTheTakenBranch() {
        XCTAssertCEL("true ? 1 : 1/0", 1)
        XCTAssertCEL("false ? missing : 'b'", "b")
        XCTAssertCELError("1 ? 2 : 3", .evaluation, "'_?_:_'")
    }

    func testHeterogeneousNumericEqualityAndOrdering() {
        XCTAssertCEL("1 == 1u && 1u == 1.0 && 1.0 == 1", true)
        XCTAssertCEL("1 < 1.5 && -1 < 0u && 2u > 1.5 && 3.0 >= 3", true)
        XCTAssertCEL("[1, 2.0] == [1u, 2]", true)
        XCTAssertCEL("{1: 'a'} == {1u: 'a'}", true)
        XCTAssertCEL("1 == 'one'", false, "different types are unequal, not an error")
        XCTAssertCEL("null == null && null != 0", true)
        XCTAssertCEL("0.0/0.0 == 0.0/0.0", false, "NaN equals nothing")
        XCTAssertCEL("0.0/0.0 < 1.0 || 0.0/0.0 >= 1.0", false)
        XCTAssertCEL("'a' < 'b' && b'\\x00' < b'\\x01' && false < true", true)
        XCTAssertCEL("'Am\\u00e9lie' == 'Ame\\u0301lie'", false, "no Unicode normalisation")
        XCTAssertCEL("'\\uffff' < '\\U0001F600'", true, "strings order by code point")
        XCTAssertCELError("[1] < [2]", .evaluation, "no matching overload")
        XCTAssertCELError("'a' < 1", .evaluation, "no matching overload")
    }

    func testIntegerArithmeticChecksOverflowAndZero() {
        XCTAssertCEL("7 / 2 + -7 % 3 + 2 * 3 - 1", 7)
        XCTAssertCEL("7u / 2u + 7u % 3u", .uint(4))
        XCTAssertCELError("9223372036854775807 + 1", .evaluation, "overflow")
        XCTAssertCELError("-9223372036854775808 - 1", .evaluation, "overflow")
        XCTAssertCELError("-9223372036854775808 / -1", .evaluation, "overflow")
        XCTAssertCELError("-9223372036854775808 % -1", .evaluation, "overflow")
        XCTAssertCELError("-(-9223372036854775808)", .evaluation, "overflow")
        XCTAssertCELError("0u - 1u", .evaluation, "overflow")
        XCTAssertCELError("4294967296 * 4294967296", .evaluation, "overflow")
        XCTAssertCELError("1 / 0", .evaluation, "division by zero")
        XCTAssertCELError("1u % 0u", .evaluation, "modulus by zero")
        XCTAssertCEL("1.0 / 0.0", .double(.infinity))
    }

    func testNoImplicitConversions() {
        XCTAssertCELError("1 + 1u", .evaluation, "no matching overload for '_+_' applied to (int, uint)")
        XCTAssertCELError("1 + 1.0", .evaluation, "no matching overload")
        XCTAssertCELError("'a' + 1", .evaluation, "no matching overload")
        XCTAssertCELError("1.5 % 1.0", .evaluation, "no matching overload")
        XCTAssertCELError("-1u", .evaluation, "no matching overload")
        XCTAssertCEL("uint(1) + 1u", .uint(2))
    }

    func testStringsBytesAndLists() {
        XCTAssertCEL("'ab' + 'c' + ''", "abc")
        XCTAssertCEL("b'ab' + b'\\xff'", .bytes([97, 98, 255]))
        XCTAssertCEL("[1] + [2, 'x']", [1, 2, "x"])
        XCTAssertCEL("size('héllo😀') + size(b'h\\xff') + size([1, 2]) + size({'a': 1})", 11)
        XCTAssertCEL("'héllo'.size()", 5)
        XCTAssertCEL("'hello'.contains('ell') && 'héllo'.startsWith('hé') && 'héllo'.endsWith('llo')", true)
        XCTAssertCEL("''.contains('') && 'abc'.startsWith('')", true)
        XCTAssertCEL("'abababc'.contains('ababc') && !'abc'.contains('abd')", true)
        XCTAssertCEL("[1, 2, 3][1] + [4][0u] + [5][0.0]", 11)
        XCTAssertCELError("[1, 2][2]", .evaluation, "index 2 out of range")
        XCTAssertCELError("[1, 2][-1]", .evaluation, "out of range")
        XCTAssertCELError("[1][0.5]", .evaluation, "not an integer")
        XCTAssertCELError("[1]['0']", .evaluation, "no matching overload")
        XCTAssertCEL("2 in [1, 2] && 2.0 in [1, 2] && !(3 in [1, 2]) && 'a' in ['b', 'a']", true)
    }

    func testMaps() {
        let bindings: [String: CELValue] = ["m": ["name": "gate", "auc": 0.9, "tags": ["prod"]]]
        XCTAssertCEL("m.name", "gate", bindings)
        XCTAssertCEL("m['auc'] > 0.5 && 'prod' in m.tags", true, bindings)
        XCTAssertCEL("{1: 'a', 2u: 'b', true: 'c', 's': 'd'}[2]", "b")
        XCTAssertCEL("{1: 'a'}[1.0]", "a")
        XCTAssertCEL("'name' in m && !('x' in m) && 1u in {1: 0} && !(b'' in {1: 0})", true, bindings)
        XCTAssertCEL("has(m.name) && !has(m.missing)", true, bindings)
        XCTAssertCELError("m.missing", .evaluation, "no such key: 'missing'", bindings)
        XCTAssertCELError("m['missing']", .evaluation, "no such key", bindings)
        XCTAssertCELError("{1: 'a'}[1.5]", .evaluation, "no such key")
        XCTAssertCELError("m.name.first", .evaluation, "does not support field selection", bindings)
        XCTAssertCELError("has(m.name.first)", .evaluation, "has()", bindings)
        XCTAssertCELError("{1.5: 'a'}", .evaluation, "unsupported key type 'double'")
        XCTAssertCELError("{null: 'a'}", .evaluation, "unsupported key type")
        XCTAssertCELError("{1: 'a', 1u: 'b'}", .evaluation, "repeated key")
        guard case .map(let ordered)? = evaluate("{'z': 1, 'a': 2, 'm': 3}") else { return XCTFail("not a map") }
        XCTAssertEqual(ordered.keys, ["z", "a", "m"], "insertion order is kept")
    }

    func testQualifiedNamesResolveToTheLongestBoundPrefix() {
        XCTAssertCEL("a.b.c", "whole", ["a.b.c": "whole", "a.b": ["c": "prefix"]])
        XCTAssertCEL("a.b.c", "prefix", ["a.b": ["c": "prefix"]])
        XCTAssertCEL("a.b.c", "root", ["a": ["b": ["c": "root"]]])
        XCTAssertCEL("[{'b': 1}].all(a, a.b == 1)", true, ["a.b": 2])
        XCTAssertCELError("a.b", .evaluation, "undeclared reference to 'a'")
    }

    func testTypesAndConversions() {
        XCTAssertCEL("type(1) == int && type(1u) == uint && type('') == string && type(type(1)) == type", true)
        XCTAssertCEL("type(null)", .type("null_type"))
        XCTAssertCEL("type(duration('1s')) == google.protobuf.Duration", true)
        XCTAssertCEL("int('-42') + int(3.9) + int(-3.9) + int(7u)", -35)
        XCTAssertCEL("uint('42') + uint(3.9)", .uint(45))
        XCTAssertCEL("double('2.5') + double(1) + double(1u)", 4.5)
        XCTAssertCEL("string(1) + string(2u) + string(1.5) + string(true) + string(b'\\x61')", "121.5truea")
        XCTAssertCEL("string(1e21) + ' ' + string(123456.0) + ' ' + string(1234567.0) + ' ' + string(0.0001)", "1e+21 123456 1.234567e+06 0.0001")
        XCTAssertCEL("bytes('é')", .bytes([0xC3, 0xA9]))
        XCTAssertCEL("bool('true') && !bool('f') && dyn(1) == 1", true)
        XCTAssertCELError("int('1.5')", .evaluation, "int")
        XCTAssertCELError("int(9.3e18)", .evaluation, "range")
        XCTAssertCELError("uint(-1)", .evaluation, "range")
        XCTAssertCELError("int(18446744073709551615u)", .evaluation, "range")
        XCTAssertCELError("string(b'\\xff')", .evaluation, "UTF-8")
        XCTAssertCELError("bool('yes')", .evaluation, "bool")
        XCTAssertCELError("dyn", .evaluation, "undeclared reference")
    }

    func testDurationsAndTimestamps() {
        XCTAssertCEL("duration('1h30m') == duration('5400s')", true)
        XCTAssertCEL("duration('1.5s') + duration('-2m')", .duration(CELDuration(seconds: -118, nanoseconds: -500_000_000)!))
        XCTAssertCEL("string(duration('1h1.5s')) + ' ' + string(duration('-1ms')) + ' ' + string(duration('0'))", "3601.5s -0.001s 0s")
        XCTAssertCEL("duration('300ms') < duration('1s') && duration('2us') > duration('1000ns')", true)
        XCTAssertCEL("timestamp('2024-05-01T12:00:00Z') + duration('36h')", .timestamp(CELTimestamp(parsing: "2024-05-03T00:00:00Z")!))
        XCTAssertCEL("string(timestamp('2024-05-01T14:30:00.250+02:00'))", "2024-05-01T12:30:00.25Z")
        XCTAssertCEL("timestamp('2024-05-02T00:00:00Z') - timestamp('2024-05-01T00:00:00Z') == duration('24h')", true)
        XCTAssertCEL("timestamp('2024-05-01T00:00:00Z') - duration('1s') < timestamp('2024-05-01T00:00:00Z')", true)
        XCTAssertCEL("int(timestamp('1970-01-02T00:00:00Z')) == 86400 && timestamp(86400) == timestamp('1970-01-02T00:00:00Z')", true)
        XCTAssertCEL("timestamp('2024-02-29T23:59:59Z').getFullYear()", 2024)
        XCTAssertCEL("timestamp('2024-02-29T23:59:59Z').getMonth()", 1)
        XCTAssertCEL("timestamp('2024-02-29T23:59:59Z').getDayOfYear()", 59)
        XCTAssertCEL("timestamp('2024-02-29T23:59:59Z').getDayOfWeek()", 4)
        XCTAssertCEL("timestamp('2024-02-29T23:59:59Z').getDate('+01:00')", 1)
        XCTAssertCEL("timestamp('2024-02-29T23:59:59.123Z').getMilliseconds()", 123)
        XCTAssertCEL("duration('90m').getHours() + duration('90m').getMinutes()", 91)
        XCTAssertCELError("duration('1d')", .evaluation, "invalid duration")
        XCTAssertCELError("duration('300000y')", .evaluation, "invalid duration")
        XCTAssertCELError("timestamp('2024-13-01T00:00:00Z')", .evaluation, "invalid timestamp")
        XCTAssertCELError("timestamp('2024-02-30T00:00:00Z')", .evaluation, "invalid timestamp")
        XCTAssertCELError("timestamp('9999-12-31T23:59:59Z') + duration('1s')", .evaluation, "out of range")
        XCTAssertCELError("timestamp('2024-01-01T00:00:00Z').getHours('Mars/Olympus')", .evaluation, "unknown time zone")
    }

    func testMacros() {
        let bindings: [String: CELValue] = ["l": [1, 2, 3], "m": ["a": 1, "b": 2]]
        XCTAssertCEL("l.all(x, x > 0) && l.exists(x, x == 2) && l.exists_one(x, x > 2)", true, bindings)
        XCTAssertCEL("l.map(x, x * 10)", [10, 20, 30], bindings)
        XCTAssertCEL("l.map(x, x > 1, x * 10)", [20, 30], bindings)
        XCTAssertCEL("l.filter(x, x % 2 == 1)", [1, 3], bindings)
        XCTAssertCEL("m.all(k, k in ['a', 'b']) && m.map(k, m[k]) == [1, 2]", true, bindings)
        XCTAssertCEL("[0, 1, 2].all(x, 6 / (1 - x) == 6)", false, "a false element decides despite the error")
        XCTAssertCEL("[0, 1, 2].exists(x, 6 / (1 - x) == 6)", true)
        XCTAssertCELError("[0, 1].all(x, 1 / x > 0)", .evaluation, "division by zero")
        XCTAssertCELError("[0, 1].exists_one(x, 1 / x > 0)", .evaluation, "division by zero")
        XCTAssertCELError("[1].map(x, 1 / 0)", .evaluation, "division by zero")
        XCTAssertCELError("[1].filter(x, 1)", .evaluation, "filter")
        XCTAssertCELError("1.all(x, true)", .evaluation, "all")
        XCTAssertCEL("[[1, 2], [3]].map(x, x.map(y, y + 1))", [[2, 3], [4]])
        XCTAssertCEL("[1, 2].map(x, [3, 4].map(x, x))", [[3, 4], [3, 4]], "the inner variable shadows")
    }

    func testUnknownFunctionsAndVariablesAreEvaluationErrors() {
        XCTAssertCELError("nope(1)", .evaluation, "undeclared function 'nope'")
        XCTAssertCELError("size(1, 2)", .evaluation, "no matching overload")
        XCTAssertCELError("size(1)", .evaluation, "no matching overload for 'size' applied to (int)")
        XCTAssertCELError("'a'.nope()", .evaluation, "undeclared function 'nope'")
        XCTAssertCELError("Msg{a: 1}", .evaluation, "protocol buffer messages are not supported")
    }

    func testEvaluationErrorsPointAtTheFailingOperation() throws {
        let error = try XCTUnwrap(failure("x.a +\n  1 / zero", ["x": ["a": 1], "zero": 0]))
        XCTAssertEqual(error.kind, .evaluation)
        XCTAssertEqual(error.message, "division by zero")
        XCTAssertEqual([error.line, error.column, error.offset], [2, 5, 10])
        XCTAssertEqual(error.description, "line 2, column 5: division by zero")

        let missing = try XCTUnwrap(failure("m.outer.inner", ["m": ["outer": [:]]]))
        XCTAssertEqual(missing.column, 8, "the dot before the missing field")

        let call = try XCTUnwrap(failure("'é' + int('x')"))
        XCTAssertEqual([call.column, call.offset], [7, 7], "the call's name; columns count code points, offsets bytes")
    }

    func testErrorMessagesStayShortWhateverTheInput() throws {
        let big: CELValue = .list(Array(repeating: .int(1), count: 10_000))
        let error = try XCTUnwrap(failure("{1: 2}[l]", ["l": big]))
        XCTAssertTrue(error.message.hasPrefix("no such key: [1, 1, 1"), error.message)
        XCTAssertLessThan(error.message.count, 160)
        let conversion = try XCTUnwrap(failure("int(s)", ["s": .string(String(repeating: "9x", count: 50_000))]))
        XCTAssertLessThan(conversion.message.count, 160)
    }
}
