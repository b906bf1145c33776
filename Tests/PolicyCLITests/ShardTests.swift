import Foundation
import XCTest

/// Issue 15, "Beyond one machine": `policy check --shard K/N` checks a stable partition of the
/// subjects, and `policy merge-reports` makes the shards' JSON reports into the report of the
/// whole check, byte for byte, in every format.
final class ShardTests: XCTestCase {
    static let formats = ["json", "sarif", "junit", "markdown", "text"]

    /// The outputs of one run, by format, and its exit code.
    struct Outputs {
        var status: Int32
        var files: [String: Data]
    }

    /// Where a test writes reports: beside the repository, not in its working tree.
    func outputDirectory(_ sandbox: GitSandbox, _ name: String) throws -> URL {
        let directory = sandbox.directory.appendingPathComponent("out/\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `policy check ARGS` unsharded, every format to a file.
    func unsharded(_ sandbox: GitSandbox, _ arguments: [String], label: String) throws -> Outputs {
        let directory = try outputDirectory(sandbox, "\(label)-whole")
        let result = try sandbox.policy(["check"] + arguments + Self.formats.flatMap { ["--format", "\($0)=\(directory.path)/report.\($0)"] })
        XCTAssertTrue([0, 1].contains(result.status), "\(label): \(result.stderr)")
        return Outputs(status: result.status, files: try Self.read(directory))
    }

    /// `policy check ARGS --shard K/N --format json=…` for every K; the files and exit codes.
    func shards(_ sandbox: GitSandbox, _ arguments: [String], count: Int, label: String) throws -> (files: [String], statuses: [Int32]) {
        let directory = try outputDirectory(sandbox, "\(label)-shards")
        var files: [String] = []
        var statuses: [Int32] = []
        for index in 1...count {
            let file = "\(directory.path)/shard-\(index).json"
            let result = try sandbox.policy(["check"] + arguments + ["--shard", "\(index)/\(count)", "--format", "json=\(file)"])
            XCTAssertTrue([0, 1].contains(result.status), "\(label) shard \(index): \(result.stderr)")
            files.append(file)
            statuses.append(result.status)
        }
        return (files, statuses)
    }

    /// `policy merge-reports FILES`, every format to a file.
    func merged(_ sandbox: GitSandbox, _ files: [String], label: String, extra: [String] = []) throws -> Outputs {
        let directory = try outputDirectory(sandbox, "\(label)-merged")
        let result = try sandbox.policy(["merge-reports"] + files + extra + Self.formats.flatMap { ["--format", "\($0)=\(directory.path)/report.\($0)"] })
        XCTAssertEqual(result.stderr, "", label)
        return Outputs(status: result.status, files: try Self.read(directory))
    }

    static func read(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for format in formats {
            files[format] = try Data(contentsOf: directory.appendingPathComponent("report.\(format)"))
        }
        return files
    }

    /// The subjects (`file` and `Kind/name`) of a JSON report.
    static func subjects(ofReport file: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file)))
        let subjects = try XCTUnwrap((object as? [String: Any])?["subjects"] as? [[String: Any]])
        return subjects.map { subject in
            let file = subject["file"] as? String ?? "?"
            if let kind = subject["kind"] as? String, let name = subject["name"] as? String { return "\(file) \(kind)/\(name)" }
            return file
        }
    }

    /// The whole property: 4 shards merged give every format of the unsharded check byte for
    /// byte, the merge exits as the check does, the shards' subjects partition the check's and
    /// each shard exits on its own part.
    @discardableResult
    /// `output`: options of the report (`--fail-on`), given to the check and to the merge.
    func assertMergedEqualsUnsharded(_ sandbox: GitSandbox, _ arguments: [String], output: [String] = [], label: String,
                                     file: StaticString = #filePath, line: UInt = #line) throws -> [String: Int] {
        let whole = try unsharded(sandbox, arguments + output, label: label)
        let parts = try shards(sandbox, arguments, count: 4, label: label)
        let merge = try merged(sandbox, parts.files, label: label, extra: output)
        for format in Self.formats {
            let expected = String(decoding: whole.files[format] ?? Data(), as: UTF8.self)
            let found = String(decoding: merge.files[format] ?? Data(), as: UTF8.self)
            XCTAssertFalse(expected.isEmpty, "\(label) \(format)", file: file, line: line)
            XCTAssertEqual(found, expected, "\(label): the merged \(format) differs from the unsharded", file: file, line: line)
        }
        XCTAssertEqual(merge.status, whole.status, "\(label): the merge exits as the unsharded check", file: file, line: line)

        let all = try Self.subjects(ofReport: "\(sandbox.directory.path)/out/\(label)-whole/report.json")
        var shardOf: [String: Int] = [:]
        for (index, path) in parts.files.enumerated() {
            let subjects = try Self.subjects(ofReport: path)
            for subject in subjects {
                XCTAssertNil(shardOf[subject], "\(label): \(subject) is in two shards", file: file, line: line)
                shardOf[subject] = index + 1
            }
            // A shard exits on its own part: 1 exactly when one of its subjects blocks.
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            let verdict = object?["verdict"] as? String
            XCTAssertEqual(parts.statuses[index], verdict == "block" ? 1 : 0, "\(label) shard \(index + 1)", file: file, line: line)
            let shard = object?["shard"] as? [String: Int]
            XCTAssertEqual(shard, ["index": index + 1, "count": 4], "\(label) shard \(index + 1) says which it is", file: file, line: line)
        }
        XCTAssertEqual(Set(shardOf.keys), Set(all), "\(label): the shards' subjects are the check's", file: file, line: line)
        XCTAssertEqual(shardOf.count, all.count, file: file, line: line)
        let unshardedJSON = try JSONSerialization.jsonObject(with: whole.files["json"] ?? Data()) as? [String: Any]
        XCTAssertNil(unshardedJSON?["shard"], "an unsharded report has no shard", file: file, line: line)
        return shardOf
    }

    // MARK: The demo

    func testFourShardsOfTheDemoMergeToItsReportInEveryFormat() throws {
        let demo = try GitSandbox.demo()
        let shardOf = try assertMergedEqualsUnsharded(demo, [], label: "demo")
        XCTAssertGreaterThan(Set(shardOf.values).count, 1, "the demo's subjects fall in more than one shard: \(shardOf)")
        try assertMergedEqualsUnsharded(demo, ["--rev", "HEAD"], label: "demo-rev")
        // The demo still blocks with one reason when merged: p95 latency.
        let parts = try shards(demo, [], count: 4, label: "demo-text")
        let text = try demo.policy(["merge-reports"] + parts.files)
        XCTAssertEqual(text.status, 1, text.stderr)
        XCTAssertTrue(text.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), text.stdout)
        XCTAssertTrue(text.flat.contains("1 blocking reason"), text.stdout)
        XCTAssertTrue(text.flat.contains("checked the working tree with"), text.stdout)
        // A shard's own text says it is one.
        let part = try demo.policy("check", "--shard", "2/4")
        XCTAssertTrue(part.flat.contains("checked shard 2/4 of the subjects of the working tree with"), part.stdout)
    }

    // MARK: A gallery with many subjects and broken documents

    /// The gallery plus what a large repository has: many more subjects (copies of a request
    /// under new names, which no approval names: they block), runs no request names, a file that claims tollgate/v1 and is no YAML (blocks), a YAML file that is
    /// not Tollgate's and cannot be read (warns), a document with a misspelt field (blocks),
    /// and a runbook the pack links deleted (a `policy/runbook` warning on a policy, whose
    /// rules are evaluated in every shard).
    static func largeGallery() throws -> GitSandbox {
        let gallery = try GitSandbox.gallery()
        let run = try gallery.read("runs/fraud-web/run-6320.yaml")
        let request = try gallery.read("requests/fraud-web-3.2.0-production.yaml")
        for number in 0..<40 {
            try gallery.write("requests/bulk/fraud-web-3.2.0-production-\(number).yaml",
                              request.replacingOccurrences(of: "name: fraud-web-3.2.0-production", with: "name: fraud-web-3.2.0-production-\(number)"))
        }
        for number in 0..<8 {
            try gallery.write("runs/bulk/run-\(20000 + number).yaml",
                              run.replacingOccurrences(of: "name: run-6320", with: "name: run-\(20000 + number)"))
        }
        try gallery.write("runs/broken/run-bad.yaml", "apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: [run-bad\n")
        try gallery.write("notes/scratch.yaml", "todo: [unclosed\n")
        try gallery.write("runs/misspelt/run-30000.yaml",
                          run.replacingOccurrences(of: "name: run-6320", with: "name: run-30000")
                              .replacingOccurrences(of: "spec:\n", with: "spec:\n  seeed: 7\n"))
        try gallery.delete("docs/runbooks/drift.md")
        try gallery.commitAll("Bulk runs, broken files, a runbook removed")
        return gallery
    }

    func testFourShardsOfALargeGalleryMergeToItsReportInEveryMode() throws {
        let gallery = try Self.largeGallery()
        let check = try gallery.policy("check", "--rev", "HEAD", "--format", "json")
        let report = try check.json()
        let subjects = try XCTUnwrap(report["subjects"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(subjects.count, 50, "many subjects")
        let files = Set(subjects.compactMap { $0["file"] as? String })
        XCTAssertTrue(files.isSuperset(of: ["runs/broken/run-bad.yaml", "notes/scratch.yaml", "runs/misspelt/run-30000.yaml"]), "\(files)")
        let ids = Set(subjects.flatMap { ($0["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } })
        XCTAssertTrue(ids.isSuperset(of: ["policy/runbook", "document/yaml", "document/schema"]), "\(ids)")
        let verdicts = Set(subjects.compactMap { $0["verdict"] as? String })
        XCTAssertEqual(verdicts, ["pass", "warn", "block"])

        let shardOf = try assertMergedEqualsUnsharded(gallery, ["--rev", "HEAD"], label: "gallery-rev")
        XCTAssertEqual(Set(shardOf.values), [1, 2, 3, 4], "every shard has subjects")
        try assertMergedEqualsUnsharded(gallery, [], label: "gallery-tree")
        try assertMergedEqualsUnsharded(gallery, ["--regate", "--rev", "HEAD"], label: "gallery-regate")
        let warn = try assertMergedEqualsUnsharded(gallery, ["--rev", "HEAD", "requests/fraud-web-3.2.0-production.yaml", "notes"],
                                                   output: ["--fail-on", "warn"], label: "gallery-warn")
        // The request, the unreadable note (warns) and the missing runbook of a rule evaluated for the request (warns).
        XCTAssertEqual(warn.count, 3, "a warning fails with --fail-on warn, merged as unsharded: \(warn)")
        let pass = try assertMergedEqualsUnsharded(gallery, ["--rev", "HEAD", "requests/fraud-web-3.2.0-production.yaml"],
                                                   label: "gallery-pass")
        XCTAssertEqual(Set(pass.keys), ["requests/fraud-web-3.2.0-production.yaml PromotionRequest/fraud-web-3.2.0-production",
                                        "policies/drift.yaml Policy/drift"], "\(pass)")
    }

    /// A pull request's check (`--base`) and a pre-commit check (`--staged`, of the change and
    /// `--all`) shard and merge like the others.
    func testShardsOfBaseAndStagedChecksMergeToTheirReports() throws {
        let gallery = try Self.largeGallery()
        try gallery.git("checkout", "-q", "-b", "change")
        let lite = "runs/fraud-lite/run-9410.yaml"
        try gallery.write(lite, try gallery.read(lite) + "# re-measured\n")
        for number in 0..<6 {
            let path = "requests/bulk/fraud-web-3.2.0-production-\(number).yaml"
            try gallery.write(path, try gallery.read(path) + "# touched\n")
        }
        try gallery.write("runs/broken/run-worse.yaml", "apiVersion: tollgate/v1\nkind: RunManifest\n\tmetadata: x\n")
        try gallery.commitAll("Touch a request's run, bulk runs, add a broken file")
        let shardOf = try assertMergedEqualsUnsharded(gallery, ["--base", "main"], label: "base")
        XCTAssertGreaterThanOrEqual(shardOf.count, 8, "the change's subjects: \(shardOf.keys.sorted())")
        try assertMergedEqualsUnsharded(gallery, ["--base", "main", "--all"], label: "base-all")

        try gallery.write(lite, try gallery.read(lite) + "# staged\n")
        let bulk = "requests/bulk/fraud-web-3.2.0-production-17.yaml"
        try gallery.write(bulk, try gallery.read(bulk) + "# staged\n")
        try gallery.git("add", "-A")
        let staged = try assertMergedEqualsUnsharded(gallery, ["--staged"], label: "staged")
        XCTAssertTrue(staged.keys.contains { $0.contains("production-17") }, "\(staged.keys.sorted())")
        XCTAssertFalse(staged.keys.contains { $0.contains("production-16") }, "only the change: \(staged.keys.sorted())")
        try assertMergedEqualsUnsharded(gallery, ["--staged", "--all", "--no-cache"], label: "staged-all")
    }

    /// A subject never moves when another is added: the shard of every subject is a function
    /// of its own name.
    func testAddingAModelMovesNoOtherSubject() throws {
        let gallery = try Self.largeGallery()
        let before = try assertMergedEqualsUnsharded(gallery, ["--rev", "HEAD"], label: "before")
        let card = try gallery.read("models/fraud-web/3.2.0/card.yaml")
        let run = try gallery.read("runs/fraud-web/run-6320.yaml")
        let request = try gallery.read("requests/fraud-web-3.2.0-production.yaml")
        for version in ["9.0.0", "9.1.0", "9.2.0"] {
            try gallery.write("requests/fraud-new-\(version)-production.yaml",
                              request.replacingOccurrences(of: "run-6320", with: "run-new-\(version)")
                                  .replacingOccurrences(of: "fraud-web", with: "fraud-new").replacingOccurrences(of: "3.2.0", with: version))
            try gallery.write("models/fraud-new/\(version)/card.yaml",
                              card.replacingOccurrences(of: "fraud-web", with: "fraud-new").replacingOccurrences(of: "3.2.0", with: version))
            try gallery.write("runs/fraud-new/run-\(version).yaml",
                              run.replacingOccurrences(of: "name: run-6320", with: "name: run-new-\(version)")
                                  .replacingOccurrences(of: "fraud-web", with: "fraud-new").replacingOccurrences(of: "3.2.0", with: version))
        }
        try gallery.commitAll("Add fraud-new 9.0.0, 9.1.0 and 9.2.0")
        let after = try assertMergedEqualsUnsharded(gallery, ["--rev", "HEAD"], label: "after")
        let added = Set(after.keys).subtracting(before.keys)
        XCTAssertFalse(added.filter { $0.contains("fraud-new") }.isEmpty, "the new model's documents are subjects: \(added.sorted())")
        for (subject, shard) in before {
            guard let now = after[subject] else { continue }
            XCTAssertEqual(now, shard, "\(subject) moved from shard \(shard) to \(now)")
        }
        XCTAssertGreaterThan(Set(before.keys).intersection(after.keys).count, 50)
    }

    // MARK: Refusals

    func testMergeRefusesReportsThatAreNotOneCheck() throws {
        let gallery = try Self.largeGallery()
        let head = try shards(gallery, ["--rev", "HEAD"], count: 4, label: "head").files
        let previous = try shards(gallery, ["--rev", "HEAD~1"], count: 4, label: "previous").files
        let three = try shards(gallery, ["--rev", "HEAD"], count: 3, label: "three").files
        let whole = "\(gallery.directory.path)/out/whole.json"
        XCTAssertEqual(try gallery.policy("check", "--rev", "HEAD", "--format", "json=\(whole)").status, 1)
        let garbage = "\(gallery.directory.path)/out/garbage.json"
        try Data("{\"schemaVersion\": \"tollgate.dev/check/v1\", \"subjects\": [".utf8).write(to: URL(fileURLWithPath: garbage))
        let notJSON = "\(gallery.directory.path)/out/junit.xml"
        try Data("<testsuites/>\n".utf8).write(to: URL(fileURLWithPath: notJSON))
        // A shard's report whose subjects were moved to another shard's file.
        let relabelled = "\(gallery.directory.path)/out/relabelled.json"
        let second = try String(contentsOfFile: head[1], encoding: .utf8)
        try second.replacingOccurrences(of: "\"index\" : 2", with: "\"index\" : 3").write(toFile: relabelled, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try String(contentsOfFile: relabelled, encoding: .utf8), second)
        let swapped = "\(gallery.directory.path)/out/swapped.json"
        try String(contentsOfFile: head[2], encoding: .utf8).replacingOccurrences(of: "\"index\" : 3", with: "\"index\" : 2")
            .write(toFile: swapped, atomically: true, encoding: .utf8)
        // A report of another tollgate version.
        let otherVersion = "\(gallery.directory.path)/out/other-version.json"
        let fourth = try String(contentsOfFile: head[3], encoding: .utf8)
        try fourth.replacingOccurrences(of: "\"version\" : \"0.1.0\"", with: "\"version\" : \"0.0.9\"").write(toFile: otherVersion, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try String(contentsOfFile: otherVersion, encoding: .utf8), fourth)

        let cases: [(String, [String], String, String)] = [
            ("mixed revisions", [head[0], head[1], previous[2], head[3]], previous[2], "not a shard of the same check"),
            ("missing shard", [head[0], head[1], head[3]], head[0], "shard 3/4 missing"),
            ("duplicate shard", [head[0], head[1], head[1], head[2], head[3]], head[1], "shard 2/4 is given twice"),
            ("mixed counts", [head[0], head[1], three[2], head[3]], three[2], "shard count 3, there 4"),
            ("garbage", [head[0], head[1], garbage, head[2], head[3]], garbage, "malformed JSON"),
            ("not JSON", [notJSON, head[0], head[1], head[2], head[3]], notJSON, "not a report of `policy check --format json`"),
            ("unsharded report", [head[0], head[1], whole, head[2], head[3]], whole, "not the report of a shard"),
            ("relabelled shards", [head[0], relabelled, swapped, head[3]], relabelled, "belongs to shard 2/4, not 3/4"),
            ("other version", [head[0], head[1], head[2], otherVersion], otherVersion, "written by tollgate 0.0.9"),
            ("missing file", [head[0], head[1], head[2], "\(gallery.directory.path)/out/nope.json"], "nope.json", "cannot be read"),
        ]
        let output = "\(gallery.directory.path)/out/merged.sarif"
        for (label, files, named, reason) in cases {
            let result = try gallery.policy(["merge-reports"] + files + ["--format", "sarif=\(output)", "--format", "text"])
            XCTAssertEqual(result.status, 2, "\(label): \(result.stdout) \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(label): nothing is written")
            XCTAssertTrue(result.stderr.contains("policy: error: cannot merge the reports: "), "\(label): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(named), "\(label) names \(named): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(reason), "\(label) says \(reason): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(label): no SARIF written")
        }
        let merged = try gallery.policy(["merge-reports"] + head.reversed())
        XCTAssertEqual(merged.status, 1, "the four given in any order merge: \(merged.stderr)")
        let none = try gallery.policy("merge-reports")
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("name the JSON report of every shard"), none.stderr)
    }

    func testShardIsAUsageErrorUnlessKOfN() throws {
        let demo = try GitSandbox.demo()
        let cases = [
            ("0/4", "the index must be between 1 and 4"),
            ("5/4", "the index must be between 1 and 4"),
            ("1/0", "the number of shards must be between 1 and 1000"),
            ("1/1001", "the number of shards must be between 1 and 1000"),
            ("a/4", "--shard takes K/N"),
            ("2", "--shard takes K/N"),
            ("1/4/2", "--shard takes K/N"),
            ("-1/4", "--shard takes K/N"),
            ("+1/4", "--shard takes K/N"),
        ]
        for (value, message) in cases {
            let result = try demo.policy("check", "--shard=\(value)")
            XCTAssertEqual(result.status, 2, "\(value): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains(message), "\(value): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
        let record = try demo.policy("check", "--rev", "HEAD", "--record", "--shard", "1/2")
        XCTAssertEqual(record.status, 2)
        XCTAssertTrue(record.stderr.contains("--record stores the verdict of the whole check: not with --shard"), record.stderr)
        let one = try demo.policy("check", "--shard", "1/1", "--format", "json")
        XCTAssertEqual(one.status, 1, "1/1 is the whole check")
        XCTAssertEqual(try one.json()["shard"] as? [String: Int], ["index": 1, "count": 1])
    }
}
