import Documents
import Foundation
import GitKit
@testable import Workspace
import XCTest

/// What local checks keep in `.git/tollgate/`: readings of documents (`readings`) and facts of
/// the history (`history`). A check with them gives the report a check without them gives,
/// whatever happened in between (edits, commits, history rewritten, damaged files), and
/// `--rev` / `--base` never read them.
final class LocalStoresTests: XCTestCase {
    let run = "runs/fraud-student/run-8812.yaml"

    func storeFile(_ sandbox: GitSandbox) -> URL {
        sandbox.root.appendingPathComponent(".git/tollgate/readings")
    }

    func testASecondCheckGivesTheSameReportFromTheStore() throws {
        let demo = try GitSandbox.demo()
        XCTAssertFalse(FileManager.default.fileExists(atPath: storeFile(demo).path))
        for arguments in [["check", "--format", "json"], ["check", "--staged", "--all", "--format", "json"]] {
            try? FileManager.default.removeItem(at: storeFile(demo))
            let uncached = try demo.policy(arguments + ["--no-cache"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: storeFile(demo).path), "--no-cache writes nothing")
            let first = try demo.policy(arguments)
            XCTAssertTrue(FileManager.default.fileExists(atPath: storeFile(demo).path), "the first local check keeps its readings")
            let second = try demo.policy(arguments)
            XCTAssertEqual(first.status, 1, first.stderr)
            XCTAssertEqual(second.status, first.status)
            XCTAssertEqual(uncached.status, first.status)
            XCTAssertEqual(second.stdout, first.stdout, "the report from kept readings is byte for byte the parsed one")
            XCTAssertEqual(uncached.stdout, first.stdout)
            XCTAssertTrue(first.stdout.contains("28.7"), first.stdout)
        }
    }

    func testChangesInTheIndexAndTheWorkingTreeAreAlwaysSeen() throws {
        let demo = try GitSandbox.demo()
        XCTAssertTrue(try demo.policy("check", "--staged", "--all").flat.contains("p95 latency 28.7 ms exceeds 25 ms"))
        XCTAssertTrue(try demo.policy("check").flat.contains("p95 latency 28.7 ms exceeds 25 ms"))

        try demo.edit(run, replacing: "p95Ms: 28.7", with: "p95Ms: 31.5")
        XCTAssertTrue(try demo.policy("check").flat.contains("p95 latency 31.5 ms exceeds 25 ms"), "an unstaged edit is seen")
        XCTAssertTrue(try demo.policy("check", "--staged", "--all").flat.contains("p95 latency 28.7 ms"), "the index still holds 28.7")
        try demo.git("add", run)
        XCTAssertTrue(try demo.policy("check", "--staged").flat.contains("p95 latency 31.5 ms exceeds 25 ms"), "a staged edit is seen")

        // Back to the committed bytes: kept under their content, found again, and right.
        try demo.edit(run, replacing: "p95Ms: 31.5", with: "p95Ms: 28.7")
        XCTAssertTrue(try demo.policy("check").flat.contains("p95 latency 28.7 ms exceeds 25 ms"))

        // The same bytes at another path are read with that path's locations.
        try demo.git("mv", run, "runs/fraud-student/moved.yaml")
        let moved = try demo.policy("check", "--format", "json")
        XCTAssertTrue(moved.stdout.contains("\"runs/fraud-student/moved.yaml\""), moved.stdout)
        XCTAssertFalse(moved.stdout.contains("\"\(run)\""), "no location points at the old path: \(moved.stdout)")
    }

    /// Issue 12, "pre-commit false BLOCK": a staged check with nothing staged, then a fix of the
    /// run staged. The history walk of the first check had left placeholders for the blobs it
    /// did not parse in the document cache, and the second check read the card, the teacher and
    /// the champion as "no document": BLOCK with 8 reasons where --no-cache warns.
    func testAStagedFixAfterAnEmptyStagedCheckGivesTheUncachedVerdict() throws {
        let demo = try GitSandbox.demo()
        let empty = try demo.policy("check", "--staged")
        XCTAssertEqual(empty.status, 0, empty.stderr)
        try demo.edit(run, replacing: "p95Ms: 28.7", with: "p95Ms: 24.0")
        try demo.git("add", run)
        let uncached = try demo.policy("check", "--staged", "--format", "json", "--no-cache")
        let warm = try demo.policy("check", "--staged", "--format", "json")
        XCTAssertEqual(uncached.status, 0, uncached.stdout)
        XCTAssertEqual(try uncached.json()["verdict"] as? String, "warn", uncached.stdout)
        XCTAssertEqual(warm.status, uncached.status, warm.stdout)
        XCTAssertEqual(warm.stdout, uncached.stdout, "the staged fix is judged as without the stores")
        XCTAssertFalse(warm.stdout.contains("no longer exists"), warm.stdout)
    }

    func testADamagedStoreIsIgnored() throws {
        let demo = try GitSandbox.demo()
        let expected = try demo.policy("check", "--format", "json", "--no-cache")
        XCTAssertEqual(expected.status, 1)
        _ = try demo.policy("check", "--format", "json")
        let kept = try Data(contentsOf: storeFile(demo))
        XCTAssertGreaterThan(kept.count, 1000)
        var flipped = [UInt8](kept)
        for index in stride(from: 200, to: flipped.count, by: 97) { flipped[index] ^= 0x5a }
        let damaged: [(String, Data)] = [
            ("cut short", kept.prefix(kept.count / 2)),
            ("bytes flipped", Data(flipped)),
            ("another file", Data("not a store\n".utf8)),
            ("empty", Data()),
        ]
        for (what, bytes) in damaged {
            try bytes.write(to: storeFile(demo))
            let result = try demo.policy("check", "--format", "json")
            XCTAssertEqual(result.status, expected.status, what)
            XCTAssertEqual(result.stdout, expected.stdout, "\(what): the report is the parsed one")
        }
    }

    /// Commit after commit, a pre-commit check parses the one file that is new and appends its
    /// reading to the journal beside the store (the store itself is not written again); the next
    /// check reads it from there. A damaged journal is ignored (the report is the parsed one)
    /// and folded into a new store, which keeps the summary of every file of the index: the
    /// check after it parses only its own new file again, not the whole repository.
    func testNewReadingsGoToAJournalAndADamagedJournalIsIgnored() throws {
        let demo = try GitSandbox.demo()
        // Many more documents than the staged change reaches (a store written by a staged check
        // used to keep only those it decoded, and a few hundred more): incidents of other models.
        let incident = try XCTUnwrap(try demo.git("ls-files", "incidents").split(separator: "\n").first.map(String.init))
        let text = try demo.read(incident)
        for number in 0..<400 {
            try demo.write("incidents/other-\(number).yaml", text
                .replacingOccurrences(of: "name: inc-", with: "name: other-\(number)-inc-")
                .replacingOccurrences(of: "model: fraud-student", with: "model: other-model-\(number)"))
        }
        try demo.commitAll("Incidents of other models")
        let journal = demo.root.appendingPathComponent(".git/tollgate/readings.journal")
        _ = try demo.policy("check", "--staged", "--all")
        let store = try Data(contentsOf: storeFile(demo))
        let original = try demo.read(run)
        var edits = 0
        func stageAnEdit() throws {
            edits += 1
            try demo.write(run, original + "# edit \(edits)\n")
            try demo.git("add", run)
        }

        try stageAnEdit()
        let first = try assertStagedSameWithAndWithoutStores(demo, "a new edit")
        XCTAssertTrue(first.stderr.contains(" 1 parsed"), first.stderr)
        XCTAssertEqual(try Data(contentsOf: storeFile(demo)), store, "the store is not written again for one new reading")
        XCTAssertTrue(FileManager.default.fileExists(atPath: journal.path), "the new reading is in the journal")
        let again = try assertStagedSameWithAndWithoutStores(demo, "the same edit again")
        XCTAssertTrue(again.stderr.contains(" 0 parsed"), "the journal's reading is read back: \(again.stderr)")

        let kept = try Data(contentsOf: journal)
        var flipped = [UInt8](kept)
        for index in stride(from: 40, to: flipped.count, by: 31) { flipped[index] ^= 0x5a }
        let damaged: [(String, Data)] = [
            ("cut short", kept.prefix(kept.count - 7)),
            ("bytes flipped", Data(flipped)),
            ("another file", Data("not a journal\n".utf8)),
            ("empty", Data()),
        ]
        for (what, bytes) in damaged {
            try bytes.write(to: journal)
            // The edit's reading is lost with the journal: parsed again, and since it cannot go
            // after damaged bytes, the store is written again, with every file of the index.
            let refolded = try assertStagedSameWithAndWithoutStores(demo, "journal \(what)")
            XCTAssertTrue(refolded.stderr.contains(" 1 parsed"), "\(what): \(refolded.stderr)")
            XCTAssertNotEqual(try Data(contentsOf: storeFile(demo)), store, "\(what): the store is written again")
            try stageAnEdit()
            let next = try assertStagedSameWithAndWithoutStores(demo, "after the journal \(what) was folded")
            XCTAssertTrue(next.stderr.contains(" 1 parsed"), "\(what): only the new edit is parsed: \(next.stderr)")
        }
    }

    /// A record that lies about a blob (only someone who can write `.git` could make one) changes
    /// what a local check sees — which shows the record is read — and never what `--rev` or
    /// `--base` decide.
    func testRevisionAndRangeChecksNeverReadTheStore() throws {
        let demo = try GitSandbox.demo()
        let blob = try XCTUnwrap(ObjectID(hex: try demo.git("rev-parse", "HEAD:\(run)").trimmingCharacters(in: .whitespacesAndNewlines)))
        let lie = try demo.read(run).replacingOccurrences(of: "p95Ms: 28.7", with: "p95Ms: 12.5")
        let executable = GitSandbox.policyBinary.resolvingSymlinksInPath().path
        let store = try XCTUnwrap(ReadingStore(gitDirectory: demo.root.appendingPathComponent(".git").path, executable: executable))
        store.keep(DocumentLoader.read(Array(lie.utf8), path: run), blob: blob, path: run)
        store.save()

        // 12.5 ms passes the gate: the JSON report's evidence shows the value read.
        XCTAssertTrue(try demo.policy("check", "--staged", "--all", "--format", "json").stdout.contains("12.5"),
                      "the local check reads the record")
        XCTAssertFalse(try demo.policy("check", "--staged", "--all", "--no-cache", "--format", "json").stdout.contains("12.5"))
        let revision = try demo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(revision.status, 1)
        XCTAssertTrue(revision.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), revision.stdout)
        let range = try demo.policy("check", "--base", "HEAD~1", "--all")
        XCTAssertTrue(range.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), range.stdout)
    }

    // MARK: History

    /// Every local report, with the stores and without them.
    func assertSameWithAndWithoutStores(_ demo: GitSandbox, _ step: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for arguments in [["check", "--format", "json"], ["check", "--staged", "--all", "--format", "json"]] {
            let stored = try demo.policy(arguments)
            let again = try demo.policy(arguments)
            let parsed = try demo.policy(arguments + ["--no-cache"])
            XCTAssertTrue([0, 1].contains(parsed.status), "\(step): \(parsed.stderr)", file: file, line: line)
            XCTAssertEqual(stored.status, parsed.status, step, file: file, line: line)
            XCTAssertEqual(stored.stdout, parsed.stdout, "\(step), \(arguments): the stores change the report", file: file, line: line)
            XCTAssertEqual(again.stdout, parsed.stdout, "\(step), \(arguments), second run", file: file, line: line)
        }
    }

    func testHistoryKeptAcrossCommitsAndRewritesGivesTheWalkedAnswers() throws {
        let demo = try GitSandbox.demo()
        let original = try demo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try assertSameWithAndWithoutStores(demo, "the demo")
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo.root.appendingPathComponent(".git/tollgate/history").path))
        let champion = try demo.policy("check", "--format", "json")
        XCTAssertTrue(champion.stdout.contains("run-7702") || champion.stdout.contains("fraud-student-2.0.0"), champion.stdout)

        // A new commit on top: the kept chain is extended, kept answers start the walks.
        try demo.edit(run, replacing: "p95Ms: 28.7", with: "p95Ms: 25")
        try demo.commitSigned("Re-measure p95 after batching fix", as: "alice")
        try assertSameWithAndWithoutStores(demo, "after a commit")
        try demo.approve(as: "bob", role: "rai-reviewer")
        try assertSameWithAndWithoutStores(demo, "after an approval")

        // History rewritten to before 2.0.0 reached production: the kept chain is not in it.
        let log = try demo.git("log", "--format=%H %s", "--first-parent")
        let before = try XCTUnwrap(log.split(separator: "\n").last { $0.contains("production") }.map { String($0.prefix(40)) })
        try demo.git("reset", "-q", "--hard", before + "~1")
        try assertSameWithAndWithoutStores(demo, "after a reset to \(before)~1")

        // And forward again, past the kept chain's end.
        try demo.git("reset", "-q", "--hard", original)
        try assertSameWithAndWithoutStores(demo, "back at the original head")
    }

    func testADamagedHistoryStoreIsIgnored() throws {
        let demo = try GitSandbox.demo()
        let expected = try demo.policy("check", "--format", "json", "--no-cache")
        _ = try demo.policy("check", "--format", "json")
        let file = demo.root.appendingPathComponent(".git/tollgate/history")
        let kept = try Data(contentsOf: file)
        XCTAssertGreaterThan(kept.count, 100)
        for (what, bytes) in [("cut short", kept.prefix(kept.count * 2 / 3)), ("empty", Data()),
                              ("another file", Data("TOLLGATE-HISTORY\nnot the stamp".utf8))] {
            try bytes.write(to: file)
            let result = try demo.policy("check", "--format", "json")
            XCTAssertEqual(result.status, expected.status, what)
            XCTAssertEqual(result.stdout, expected.stdout, "\(what): the report is the walked one")
        }
    }

    // MARK: Staged checks read only what the change reaches

    /// `check --staged` with the stores and without them; asserts that the stores were used
    /// to read only what the change reaches, and returns the report.
    @discardableResult
    func assertStagedSameWithAndWithoutStores(_ sandbox: GitSandbox, _ step: String,
                                              file: StaticString = #filePath, line: UInt = #line) throws -> GitSandbox.Result {
        let stored = try sandbox.policy(["check", "--staged", "--format", "json"], environment: ["TOLLGATE_DEBUG_STORES": "1"])
        let parsed = try sandbox.policy("check", "--staged", "--format", "json", "--no-cache")
        XCTAssertTrue([0, 1].contains(parsed.status), "\(step): \(parsed.stderr)", file: file, line: line)
        XCTAssertEqual(stored.status, parsed.status, step, file: file, line: line)
        XCTAssertEqual(stored.stdout, parsed.stdout, "\(step): the report read from the summaries differs", file: file, line: line)
        XCTAssertTrue(stored.stderr.contains("only what the staged change reaches was read"),
                      "\(step): the staged check did not use the summaries: \(stored.stderr)", file: file, line: line)
        return stored
    }

    /// Every YAML file of the gallery (every rule blocks one request there and passes another)
    /// as the one staged change.
    func testEveryFileOfTheGalleryAsTheStagedChangeGivesTheWholeSetsReport() throws {
        let gallery = try GitSandbox.gallery()
        XCTAssertEqual(try gallery.policy("check", "--staged", "--all").status, 1, "fills the stores")
        let files = try gallery.git("ls-files").split(separator: "\n").map(String.init)
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("policies/") }
        XCTAssertGreaterThan(files.count, 30)
        var reported = 0
        for path in files {
            try gallery.write(path, try gallery.read(path) + "# touched\n")
            try gallery.git("add", path)
            let result = try assertStagedSameWithAndWithoutStores(gallery, path)
            if let subjects = try? result.json()["subjects"] as? [[String: Any]], !subjects.isEmpty { reported += 1 }
            try gallery.git("reset", "-q", "--hard")
        }
        XCTAssertGreaterThan(reported, files.count / 2, "most changes put a subject under review")
    }

    /// Changes that make problems between documents: a misspelt run (with its "did you mean"
    /// among every run), a duplicate name, an unreadable file, a deleted run, a new approval, a
    /// new incident, a waiver.
    func testStagedChangesBetweenDocumentsGiveTheWholeSetsReport() throws {
        let demo = try GitSandbox.demo()
        let request = "requests/fraud-student-2.1.0-production.yaml"
        _ = try demo.policy("check", "--staged", "--all")
        let original = try demo.read(request)

        try demo.write(request, original.replacingOccurrences(of: "run: run-8812", with: "run: run-881"))
        try demo.git("add", request)
        let misspelt = try assertStagedSameWithAndWithoutStores(demo, "a misspelt run")
        XCTAssertTrue(misspelt.stdout.contains("did you mean 'run-8812'"), misspelt.stdout)
        try demo.git("reset", "-q", "--hard")

        try demo.write("requests/copy.yaml", original)
        try demo.git("add", "requests/copy.yaml")
        let duplicate = try assertStagedSameWithAndWithoutStores(demo, "a duplicate request")
        XCTAssertTrue(duplicate.stdout.contains("is defined twice"), duplicate.stdout)
        try demo.git("reset", "-q", "--hard")

        try demo.write("runs/broken.yaml", "apiVersion: tollgate/v1\nkind: RunManifest\nmetadata: {name: [\n")
        try demo.git("add", "runs/broken.yaml")
        try assertStagedSameWithAndWithoutStores(demo, "an unreadable file")
        try demo.git("reset", "-q", "--hard")

        try demo.git("rm", "-q", run)
        try assertStagedSameWithAndWithoutStores(demo, "a deleted run")
        try demo.git("reset", "-q", "--hard")

        try demo.write("approvals/fraud-student-2.1.0-production/dana.yaml", """
            apiVersion: tollgate/v1
            kind: Approval
            metadata: {name: fraud-student-2.1.0-production-dana}
            spec: {request: fraud-student-2.1.0-production, approver: dana, decision: approve, role: approver,
                   digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000"}

            """)
        try demo.git("add", "approvals")
        try assertStagedSameWithAndWithoutStores(demo, "a new approval")
        try demo.git("reset", "-q", "--hard")

        let incident = try XCTUnwrap(try demo.git("ls-files", "incidents").split(separator: "\n").first.map(String.init))
        try demo.write("incidents/another.yaml", try demo.read(incident)
            .replacingOccurrences(of: "name: inc-", with: "name: another-inc-"))
        try demo.git("add", "incidents/another.yaml")
        try assertStagedSameWithAndWithoutStores(demo, "a new incident")
        try demo.git("reset", "-q", "--hard")

        try demo.write("waivers/p95.yaml", """
            apiVersion: tollgate/v1
            kind: Waiver
            metadata: {name: p95-while-batching}
            spec:
              subject: PromotionRequest/fraud-student-2.1.0-production
              rules: [release-gate/p95-latency]
              reason: batching fix lands next week
              expires: 2027-01-31

            """)
        try demo.git("add", "waivers")
        try assertStagedSameWithAndWithoutStores(demo, "a waiver")
    }
}
