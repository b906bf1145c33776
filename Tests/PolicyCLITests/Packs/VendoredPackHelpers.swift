import Foundation
import TollgateTestSupport
import XCTest

/// What the tests of policy packs share: a consumer repository (the demo) whose Config names a
/// pack source, and the findings of a JSON report.
protocol VendoredPackHelpers {}

extension VendoredPackHelpers {
    func consumer(_ source: VendoredPackTests.PackSource, ref: String = "v1", extra: String = "") throws -> GitSandbox {
        let demo = try GitSandbox.demo()
        try nameThePack(in: demo, source: source.path, ref: ref, extra: extra)
        return demo
    }

    func nameThePack(in demo: GitSandbox, source: String, ref: String, extra: String = "") throws {
        var config = try demo.read(".tollgate.yaml")
        if let range = config.range(of: "\n  packs:") { config = String(config[..<range.lowerBound]) + "\n" }
        config += "  packs:\n    - {name: acme, source: \"\(source)\", ref: \(ref)\(extra)}\n"
        try demo.write(".tollgate.yaml", config)
    }

    func findings(_ result: GitSandbox.Result, rule: String) throws -> [[String: Any]] {
        let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]], result.stdout + result.stderr)
        return subjects.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
            .filter { $0["id"] as? String == rule }
            .flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }
    }

    func location(_ value: Any?) -> String {
        guard let location = value as? [String: Any] else { return "-" }
        return "\(location["file"] ?? "?"):\(location["line"] ?? "?"):\(location["column"] ?? "?")"
    }
}
