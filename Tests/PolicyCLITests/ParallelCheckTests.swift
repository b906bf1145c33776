import Foundation
import XCTest

/// Issue 15, "the full check on both cores": with many subjects, `policy check` evaluates them
/// and renders the JSON report on several threads, the repository's facts (merged promotions,
/// files, commits, attributed approvals, recorded verdicts) behind one lock. What it reports
/// must be what a check on one thread (`TOLLGATE_THREADS=1`) reports: the same bytes in every
/// format, the same exit code, in every mode.
final class ParallelCheckTests: XCTestCase {
    /// The large gallery of `ShardTests` (many requests that block, broken files, a missing
    /// runbook) with more copies of the approved request, so that a full check has well over
    /// `Parallelism.threshold` (64) subjects: evaluated and rendered on several threads.
    static func gallery() throws -> GitSandbox {
        let gallery = try ShardTests.largeGallery()
        let request = try gallery.read("requests/fraud-web-3.2.0-production.yaml")
        for number in 40..<100 {
            try gallery.write("requests/bulk/fraud-web-3.2.0-production-\(number).yaml",
                              request.replacingOccurrences(of: "name: fraud-web-3.2.0-production", with: "name: fraud-web-3.2.0-production-\(number)"))
        }
        try gallery.commitAll("More bulk requests")
        return gallery
    }

    /// `policy check ARGS` in every format (to files) with `TOLLGATE_THREADS=threads`.
    func check(_ sandbox: GitSandbox, _ arguments: [String], threads: Int, label: String) throws -> ShardTests.Outputs {
        let directory = sandbox.directory.appendingPathComponent("out/\(label)-\(threads)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try sandbox.policy(["check"] + arguments + ShardTests.formats.flatMap { ["--format", "\($0)=\(directory.path)/report.\($0)"] },
                                        environment: ["TOLLGATE_THREADS": "\(threads)"])
        XCTAssertTrue([0, 1].contains(result.status), "\(label): \(result.stderr)")
        return ShardTests.Outputs(status: result.status, files: try ShardTests.read(directory))
    }

    /// Checks on one thread and on several give the same bytes and exit code; returns the
    /// subjects of the JSON report.
    @discardableResult
    func assertThreadsAgree(_ sandbox: GitSandbox, _ arguments: [String], label: String,
                            file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let serial = try check(sandbox, arguments, threads: 1, label: label)
        let parallel = try check(sandbox, arguments, threads: 2, label: label)
        XCTAssertEqual(parallel.status, serial.status, "\(label): exit code", file: file, line: line)
        for format in ShardTests.formats {
            XCTAssertEqual(String(decoding: parallel.files[format] ?? Data(), as: UTF8.self),
                           String(decoding: serial.files[format] ?? Data(), as: UTF8.self),
                           "\(label): the \(format) report on two threads differs from the one on one thread", file: file, line: line)
        }
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: serial.files["json"] ?? Data()) as? [String: Any], file: file, line: line)
        return try XCTUnwrap(report["subjects"] as? [[String: Any]], file: file, line: line)
    }

    func testAFullCheckOnSeveralThreadsReportsWhatOneThreadReports() throws {
        let gallery = try Self.gallery()
        let subjects = try assertThreadsAgree(gallery, ["--rev", "HEAD"], label: "rev")
        XCTAssertGreaterThan(subjects.count, 100, "enough subjects for the threads")
        XCTAssertEqual(Set(subjects.compactMap { $0["verdict"] as? String }), ["pass", "warn", "block"])
        // The approved request's approvals were attributed (signed commits read behind the lock).
        let approved = try XCTUnwrap(subjects.first { ($0["name"] as? String) == "fraud-web-3.2.0-production" })
        let approvals = try XCTUnwrap((approved["rules"] as? [[String: Any]])?.first { ($0["check"] as? String) == "approvals" })
        XCTAssertEqual(approvals["outcome"] as? String, "pass", "\(approvals)")
        let ids = Set(subjects.flatMap { ($0["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } })
        XCTAssertTrue(ids.isSuperset(of: ["policy/runbook", "document/yaml", "document/schema"]), "\(ids)")

        try assertThreadsAgree(gallery, ["--regate", "--rev", "HEAD"], label: "regate")
        // The working tree, with uncommitted edits (committed content and decisions read from HEAD).
        let lite = "runs/fraud-lite/run-9410.yaml"
        try gallery.write(lite, try gallery.read(lite) + "# re-measured\n")
        try gallery.write("requests/bulk/fraud-web-3.2.0-production-70.yaml", "apiVersion: tollgate/v1\nkind: PromotionRequest\n\tbroken\n")
        let tree = try assertThreadsAgree(gallery, [], label: "tree")
        XCTAssertTrue(tree.contains { ($0["file"] as? String) == "requests/bulk/fraud-web-3.2.0-production-70.yaml" && ($0["verdict"] as? String) == "block" })
        try gallery.git("add", "-A")
        try assertThreadsAgree(gallery, ["--staged", "--all", "--no-cache"], label: "staged-all")
    }

    func testAPullRequestOfManyFilesOnSeveralThreadsReportsWhatOneThreadReports() throws {
        let gallery = try Self.gallery()
        try gallery.git("checkout", "-q", "-b", "change")
        for number in 0..<90 {
            let path = "requests/bulk/fraud-web-3.2.0-production-\(number).yaml"
            try gallery.write(path, try gallery.read(path) + "# touched\n")
        }
        let lite = "runs/fraud-lite/run-9410.yaml"
        try gallery.write(lite, try gallery.read(lite) + "# re-measured\n")
        try gallery.commitAll("Touch many requests and a run")
        let subjects = try assertThreadsAgree(gallery, ["--base", "main"], label: "base")
        XCTAssertGreaterThanOrEqual(subjects.count, 90, "the change's subjects")
        try assertThreadsAgree(gallery, ["--base", "main", "--shard", "2/3"], label: "base-shard")
    }
}
