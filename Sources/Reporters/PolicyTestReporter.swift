import Policy

/// The output of `policy test`: failures with expected and actual outcomes (a diff), then
/// rule coverage. A pure function.
public enum PolicyTestReporter {
    public static func text(_ results: [PolicyTesting.CaseResult], coverage: PolicyTesting.Coverage, tests: [String]) -> String {
        var lines: [String] = []
        for result in results {
            if result.passed {
                lines.append("PASS  \(result.test) / \(result.name)")
                continue
            }
            lines.append("FAIL  \(result.test) / \(result.name)  (\(result.location))")
            if let error = result.error { lines.append("      \(error)") }
            for mismatch in result.mismatches {
                lines.append("      - \(mismatch.what): \(mismatch.expected)   (expected, \(mismatch.location))")
                lines.append("      + \(mismatch.what): \(mismatch.actual)   (actual)")
            }
        }
        let failed = results.filter { !$0.passed }.count
        lines.append("")
        lines.append("\(results.count) case\(results.count == 1 ? "" : "s") in \(tests.count) test\(tests.count == 1 ? "" : "s"): \(results.count - failed) passed, \(failed) failed")
        lines.append("rule coverage: \(format(coverage.percent))% (each rule seen failing and passing)")
        for rule in coverage.rules {
            let fails = coverage.failing.contains(rule) ? "blocks ✓" : "blocks ✗"
            let passes = coverage.passing.contains(rule) ? "passes ✓" : "passes ✗"
            lines.append("  \(rule.padding(toLength: max(rule.count, 40), withPad: " ", startingAt: 0))  \(fails)  \(passes)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ percent: Double) -> String {
        let rounded = (percent * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
