import CEL
import Foundation
import XCTest

/// What Tollgate's policies use, through the public API only.
final class PublicAPITests: XCTestCase {
    func testCompileOnceEvaluateManyTimes() throws {
        let program = try CELProgram("metrics.auc >= threshold && !('deprecated' in labels)")
        XCTAssertEqual(program.source, "metrics.auc >= threshold && !('deprecated' in labels)")
        XCTAssertEqual(program.freeVariables, ["metrics", "threshold", "labels"])
        XCTAssertEqual(try program.evaluate(["metrics": ["auc": 0.93], "threshold": 0.9, "labels": ["prod"]]), true)
        XCTAssertEqual(try program.evaluate(["metrics": ["auc": 0.93], "threshold": 0.95, "labels": []]), false)
        // Safe to share across threads.
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            XCTAssertEqual(try? program.evaluate(["metrics": ["auc": .double(Double(i) / 8)], "threshold": 0.5, "labels": []]),
                           .bool(Double(i) / 8 >= 0.5))
        }
    }

    func testCustomFunctions() throws {
        let functions = CELFunctions.standard
            .adding("psi", arity: 2, receiver: false) { arguments throws(CELError) in
                guard case .list(let expected) = arguments[0], case .list(let actual) = arguments[1], expected.count == actual.count else {
                    throw CELError.noMatchingOverload("psi", arguments)
                }
                var total = 0.0
                for case (.double(let e), .double(let a)) in zip(expected, actual) { total += (a - e) * log(a / e) }
                return .double(total)
            }
            .adding("semver", arity: 1, receiver: false) { arguments throws(CELError) in
                guard case .string(let text) = arguments[0] else { throw CELError.noMatchingOverload("semver", arguments) }
                let parts = text.split(separator: ".").compactMap { Int64($0) }
                guard parts.count == 3 else { throw CELError.evaluation("'\(text)' is not a semantic version") }
                return .list(parts.map { .int($0) })
            }
            .adding("isNewerThan", arity: 1, receiver: true) { arguments throws(CELError) in
                guard case .list(let a) = arguments[0], case .list(let b) = arguments[1] else {
                    throw CELError.noMatchingOverload("isNewerThan", arguments)
                }
                return .bool(a.lexicographicallyPrecedes(b) { l, r in
                    if case .int(let x) = l, case .int(let y) = r { return x > y }
                    return false
                })
            }
            .adding("stats.max", arity: nil, receiver: false) { arguments throws(CELError) in
                var best = Int64.min
                for case .int(let value) in arguments { best = max(best, value) }
                return .int(best)
            }

        func run(_ source: String) throws -> CELValue { try CELProgram(source).evaluate([:], functions: functions) }
        XCTAssertEqual(try run("psi([0.5, 0.5], [0.5, 0.5])"), 0.0)
        XCTAssertEqual(try run("semver('2.10.1')"), [2, 10, 1])
        XCTAssertEqual(try run("semver('2.10.1').isNewerThan(semver('2.9.0'))"), true)
        XCTAssertEqual(try run("stats.max(3, 9, 4) + stats.max()"), .int(9 &+ Int64.min))
        XCTAssertEqual(try run("semver('x') == [1] || true"), true, "a custom function's error is absorbed like any other")

        let bad = try XCTUnwrap(failure("size(x) > 0 && semver('1.x')", ["x": "a"], functions: functions))
        XCTAssertEqual(bad.kind, .evaluation)
        XCTAssertEqual(bad.message, "'1.x' is not a semantic version")
        XCTAssertEqual([bad.line, bad.column], [1, 16], "the call's position")
        XCTAssertEqual(failure("psi(1, 2)", functions: functions)?.message, "no matching overload for 'psi' applied to (int, int)")
        XCTAssertEqual(failure("psi([1.0])", functions: functions)?.message, "no matching overload for 'psi' applied to (list)")
        XCTAssertEqual(failure("semver('1.2.3')")?.message, "undeclared function 'semver'", "not in the standard functions")
    }

    func testCustomFunctionsCanReplaceAndLimitsStillApply() throws {
        let functions = CELFunctions.standard
            .adding("size", arity: 1, receiver: false) { _ throws(CELError) in .int(-1) }
            .adding("huge", arity: 0, receiver: false) { _ throws(CELError) in .string(String(repeating: "x", count: 2_000_000)) }
            .adding("quota", arity: 0, receiver: false) { _ throws(CELError) in
                throw CELError(kind: .limit, message: "external quota exhausted")
            }
        XCTAssertEqual(try CELProgram("size('abc') + 'abc'.size()").evaluate(functions: functions), 2)
        XCTAssertEqual(failure("huge()", functions: functions)?.kind, .limit)
        XCTAssertEqual(failure("quota() || true", functions: functions)?.kind, .limit, "limits are never absorbed")
        XCTAssertEqual(failure("size('a')", functions: .empty)?.message, "undeclared function 'size'")
        XCTAssertTrue(CELFunctions.standard.names.receiver.contains("startsWith"))
        XCTAssertTrue(functions.names.global.contains("huge"))
    }

    func testLazyVariablesAreResolvedOnFirstUseOnly() throws {
        var asked: [String] = []
        let program = try CELProgram("cheap || expensive > 1 && expensive < 10")
        func resolver(_ name: String) throws(CELError) -> CELValue? {
            asked.append(name)
            return name == "expensive" ? 5 : nil
        }
        XCTAssertEqual(try program.evaluate(["cheap": true], resolve: resolver), true)
        XCTAssertEqual(asked, [], "`true || …` never needs the rest")
        XCTAssertEqual(try program.evaluate(["cheap": false], resolve: resolver), true)
        XCTAssertEqual(asked, ["expensive"], "asked once, though used twice")

        asked = []
        XCTAssertEqual(try CELProgram("model.card.name").evaluate(resolve: { name throws(CELError) in
            asked.append(name)
            return name == "model" ? ["card": ["name": "fraud"]] : nil
        }), "fraud")
        XCTAssertEqual(asked, ["model.card.name", "model.card", "model"], "the longest qualified name first")

        XCTAssertEqual(failure("missing + 1")?.message, "undeclared reference to 'missing'")
        let thrown = try XCTUnwrap(failure("1 + broken", resolve: { _ throws(CELError) in throw CELError.evaluation("file not found") }))
        XCTAssertEqual([thrown.message, "\(thrown.column ?? 0)"], ["file not found", "5"])
    }

    func testPolicyVariablesBuiltFromEarlierOnes() throws {
        // Each policy variable is an expression over the inputs and earlier variables,
        // computed when first needed.
        let definitions: [String: CELProgram] = [
            "drift": try CELProgram("metrics.psi"),
            "drifted": try CELProgram("drift > 0.2"),
            "verdict": try CELProgram("drifted ? 'block' : 'pass'"),
        ]
        let inputs: [String: CELValue] = ["metrics": ["psi": 0.31]]
        var cache: [String: CELValue] = [:]
        var computed: [String] = []
        func resolve(_ name: String) throws(CELError) -> CELValue? {
            if let known = cache[name] { return known }
            guard let program = definitions[name] else { return nil }
            computed.append(name)
            let value = try program.evaluate(inputs, resolve: resolve)
            cache[name] = value
            return value
        }
        XCTAssertEqual(try CELProgram("verdict == 'block' && drifted").evaluate(inputs, resolve: resolve), true)
        XCTAssertEqual(computed, ["verdict", "drifted", "drift"])
    }

    func testErrorsCarryPositionsAndReadableDescriptions() throws {
        let parse = try XCTUnwrap(failure("labels.exists(l, l ==)"))
        XCTAssertEqual(parse.kind, .parse)
        XCTAssertEqual([parse.offset, parse.line, parse.column], [21, 1, 22])
        XCTAssertEqual(parse.localizedDescription, "line 1, column 22: expected an expression, found ')'")

        let evaluation = try XCTUnwrap(failure("{\n  'a': 1\n}.b"))
        XCTAssertEqual(evaluation.kind, .evaluation)
        XCTAssertEqual([evaluation.line, evaluation.column], [3, 2])
        XCTAssertEqual(evaluation.description, "line 3, column 2: no such key: 'b'")
        XCTAssertEqual(CELError.evaluation("plain").description, "plain")
    }

    func testValues() throws {
        let value: CELValue = ["name": "gate", "ok": true, "n": 1, "x": 1.5, "none": nil, "list": [1, "two"]]
        XCTAssertEqual(value.typeName, "map")
        XCTAssertEqual(value.description, #"{"name": "gate", "ok": true, "n": 1, "x": 1.5, "none": null, "list": [1, "two"]}"#)
        guard case .map(let map) = value else { return XCTFail() }
        XCTAssertEqual(map["name"], "gate")
        XCTAssertEqual(map.keys.first, "name")
        XCTAssertEqual(CELMapKey.int(1), CELMapKey.uint(1), "numeric keys compare by value")
        XCTAssertEqual(CELValue.map(["a": 1, "b": 2]), CELValue.map(["b": 2, "a": 1]))
        XCTAssertNotEqual(CELValue.int(1), CELValue.uint(1), "Swift equality is structural")
        XCTAssertEqual(CELValue.double(.nan), CELValue.double(.nan))
        XCTAssertEqual(CELDuration(parsing: "1h30m")?.description, "5400s")
        XCTAssertEqual(CELTimestamp(parsing: "2024-05-01T12:00:00+02:00")?.description, "2024-05-01T10:00:00Z")
        XCTAssertNil(CELTimestamp(parsing: "2024-05-01"))
        XCTAssertEqual(try CELProgram("type(x)").evaluate(["x": .timestamp(CELTimestamp(seconds: 0)!)]), .type("google.protobuf.Timestamp"))
    }

    func failure(_ source: String, _ bindings: [String: CELValue] = [:], functions: CELFunctions = .standard,
                 resolve: ((String) throws(CELError) -> CELValue?)? = nil) -> CELError? {
        do throws(CELError) {
            let value = try CELProgram(source).evaluate(bindings, functions: functions, resolve: resolve)
            XCTFail("\(source) evaluated to \(value)")
            return nil
        } catch {
            return error
        }
    }
}
