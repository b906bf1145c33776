@testable import CEL
import Foundation
import XCTest

/// Runs the official CEL conformance tests (google/cel-spec tests/simple/testdata, as JSON in
/// Conformance/) that a message-less evaluator can run, and requires 95% of them to pass.
final class ConformanceTests: XCTestCase {
    static let files = [
        "basic", "comparisons", "conversions", "fields", "fp_math", "integer_math", "lists",
        "logic", "macros", "string", "parse", "plumbing", "timestamps",
    ]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Conformance")

    struct Failure: CustomStringConvertible {
        var file: String
        var test: String
        var expr: String
        var expected: String
        var got: String
        var description: String { "\(file)/\(test): \(expr)\n    expected \(expected)\n    got      \(got)" }
    }

    struct Tally {
        var passed = 0
        var run = 0
        var skipped: [String: Int] = [:]
    }

    /// Why a test cannot run here, or nil when it can.
    static func skipReason(_ test: [String: Any], program: CELProgram?) -> String? {
        if test["check_only"] as? Bool == true { return "check-only (needs the type checker)" }
        if let container = test["container"] as? String, !container.isEmpty { return "needs a container (protobuf namespace)" }
        let environment = test["type_env"] as? [[String: Any]] ?? []
        for declaration in environment {
            guard let ident = declaration["ident"] as? [String: Any] else { return "needs a type environment (function declarations)" }
            if let type = ident["type"] as? [String: Any], type["message_type"] != nil { return "needs protobuf messages (message-typed variable)" }
        }
        if mentionsObject(test["value"]) || mentionsObject(test["bindings"]) { return "needs protobuf messages (object_value)" }
        if let program, containsMessage(program.root) { return "needs protobuf messages (message literal)" }
        return nil
    }

    static func mentionsObject(_ json: Any?) -> Bool {
        switch json {
        case let dictionary as [String: Any]:
            return dictionary["object_value"] != nil || dictionary.values.contains { mentionsObject($0) }
        case let array as [Any]:
            return array.contains { mentionsObject($0) }
        default:
            return false
        }
    }

    static func containsMessage(_ expr: Expr) -> Bool {
        if case .message = expr.kind { return true }
        return expr.kind.children.contains { containsMessage($0) }
    }

    struct UnsupportedValue: Error {}

    /// A cel.expr.Value in the protobuf JSON mapping as a CELValue.
    static func value(_ json: Any?) throws -> CELValue {
        guard let json = json as? [String: Any], let (kind, payload) = json.first else { throw UnsupportedValue() }
        switch kind {
        case "null_value": return .null
        case "bool_value": return .bool(payload as? Bool ?? false)
        case "int64_value":
            guard let text = payload as? String, let value = Int64(text) else { throw UnsupportedValue() }
            return .int(value)
        case "uint64_value":
            guard let text = payload as? String, let value = UInt64(text) else { throw UnsupportedValue() }
            return .uint(value)
        case "double_value":
            if let number = payload as? Double { return .double(number) }
            switch payload as? String {
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            case "NaN": return .double(.nan)
            default: throw UnsupportedValue()
            }
        case "string_value": return .string(payload as? String ?? "")
        case "bytes_value":
            guard let text = payload as? String, let data = Data(base64Encoded: text) else { throw UnsupportedValue() }
            return .bytes([UInt8](data))
        case "list_value":
            let values = (payload as? [String: Any])?["values"] as? [Any] ?? []
            return .list(try values.map { try value($0) })
        case "map_value":
            let entries = (payload as? [String: Any])?["entries"] as? [[String: Any]] ?? []
            var map = CELMap()
            for entry in entries {
                guard let key = CELMapKey(try value(entry["key"])) else { throw UnsupportedValue() }
                map[key] = try value(entry["value"])
            }
            return .map(map)
        case "type_value":
            guard let name = payload as? String else { throw UnsupportedValue() }
            return .type(name)
        default:
            throw UnsupportedValue()
        }
    }

    /// Structural equality, except that -0.0 and 0.0 differ (the tests check the sign).
    static func same(_ a: CELValue, _ b: CELValue) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)): return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }

    static func evaluate(_ expr: String, _ bindings: [String: CELValue]) -> Result<CELValue, CELError> {
        do throws(CELError) {
            return .success(try CELProgram(expr).evaluate(bindings))
        } catch {
            return .failure(error)
        }
    }

    func testConformance() throws {
        var totals = Tally()
        var failures: [Failure] = []
        var report: [String] = []
        for file in Self.files {
            let url = Self.directory.appendingPathComponent(file + ".json")
            let data = try Data(contentsOf: url)
            let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            var tally = Tally()
            for section in root["section"] as? [[String: Any]] ?? [] {
                for test in section["test"] as? [[String: Any]] ?? [] {
                    let name = "\(section["name"] as? String ?? "")/\(test["name"] as? String ?? "")"
                    let expr = test["expr"] as? String ?? ""
                    let program = try? CELProgram(expr)
                    if let reason = Self.skipReason(test, program: program) {
                        tally.skipped[reason, default: 0] += 1
                        continue
                    }
                    tally.run += 1
                    func fail(_ expected: String, _ got: String) {
                        failures.append(Failure(file: file, test: name, expr: expr, expected: expected, got: got))
                    }
                    var bindings: [String: CELValue] = [:]
                    for (variable, binding) in test["bindings"] as? [String: Any] ?? [:] {
                        bindings[variable] = try Self.value((binding as? [String: Any])?["value"])
                    }
                    let result = Self.evaluate(expr, bindings)
                    if test["eval_error"] != nil {
                        switch result {
                        case .failure(let error) where error.kind != .parse: tally.passed += 1
                        case .failure(let error): fail("an evaluation error", "parse error: \(error)")
                        case .success(let value): fail("an evaluation error", "\(value)")
                        }
                        continue
                    }
                    let expected = try Self.value(test["value"] ?? ["bool_value": false])
                    switch result {
                    case .success(let value) where Self.same(value, expected): tally.passed += 1
                    case .success(let value): fail("\(expected)", "\(value)")
                    case .failure(let error): fail("\(expected)", "\(error.kind) error: \(error)")
                    }
                }
            }
            let reasons = tally.skipped.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            let skippedCount = tally.skipped.values.reduce(0, +)
            report.append("\(file): \(tally.passed) passed / \(tally.run) run / \(skippedCount) skipped" + (reasons.isEmpty ? "" : " (\(reasons))"))
            totals.passed += tally.passed
            totals.run += tally.run
            for (reason, count) in tally.skipped { totals.skipped[reason, default: 0] += count }
        }
        let skippedTotal = totals.skipped.values.reduce(0, +)
        let rate = Double(totals.passed) / Double(max(totals.run, 1))
        print("CEL conformance:\n  " + report.joined(separator: "\n  "))
        print(String(format: "  total: %d passed / %d run / %d skipped (%.1f%%)", totals.passed, totals.run, skippedTotal, rate * 100))
        if !failures.isEmpty {
            print("  failures:\n  " + failures.map(\.description).joined(separator: "\n  "))
        }
        XCTAssertGreaterThan(totals.run, 900, "most conformance tests should run")
        XCTAssertGreaterThanOrEqual(rate, 0.95, "conformance below 95%: \(failures.count) failures")
    }
}
