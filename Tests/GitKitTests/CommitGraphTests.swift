import Crypto
import Foundation
import GitKit
import XCTest

/// git's commit-graph and its changed-path Bloom filters (`CommitGraph`), written by the real
/// `git commit-graph write`: the answers of the history walks are the same with the graph as
/// without it, the filters never rule out a path a commit changed, and a damaged graph is
/// refused (the walks then read the objects and still answer the same).
final class CommitGraphTests: XCTestCase {
    private func id(_ hex: String) throws -> ObjectID { try XCTUnwrap(ObjectID(hex: hex)) }

    /// Files of the histories below.
    static let files = [
        "readme.txt", "policies/p.yaml", "approvals/r1/bob.yaml", "approvals/r1/carol.yaml", "approvals/r2/dan.yaml",
        "deep/a/b/c/d/e/f/g/h/i/j/file.txt", "données/é.yaml", "x", "x/y.txt", "renamed/old.txt", "renamed/new.txt",
        "bulk/f007.txt", "bulk/f511.txt",
    ]
    /// Directories of the histories below, and a path that never exists.
    static let directories = ["approvals", "approvals/r1", "approvals/r2", "deep/a/b/c", "deep", "données", "renamed", "bulk", "never/there.txt"]
    static var paths: [String] { files + directories }

    /// Modifies one of the ordinary files, chosen by `seed`.
    private func touch(_ repo: TestRepository, _ seed: Int, _ note: String) throws {
        let choices = ["readme.txt", "policies/p.yaml", "approvals/r1/bob.yaml", "approvals/r2/dan.yaml", "deep/a/b/c/d/e/f/g/h/i/j/file.txt"]
        try repo.write(choices[seed % choices.count], "\(note) \(seed)\n")
    }

    /// A linear history: renames, a file that becomes a directory and back, a deep path, a
    /// non-ASCII path, a commit of more than 512 files, deletions.
    private func linearHistory() throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write("readme.txt", "r\n")
        try repo.write("policies/p.yaml", "p\n")
        try repo.write("x", "a file\n")
        try repo.write("renamed/old.txt", "moving\n")
        try repo.write("deep/a/b/c/d/e/f/g/h/i/j/file.txt", "deep\n")
        try repo.commit("base")
        for seed in 0..<8 { try touch(repo, seed, "linear"); try repo.commit("linear \(seed)") }
        try repo.write("données/é.yaml", "é\n")
        try repo.commit("non-ASCII path")
        try repo.git(["mv", "renamed/old.txt", "renamed/new.txt"])
        try repo.commit("rename")
        try repo.git(["rm", "-q", "x"])
        try repo.write("x/y.txt", "now a directory\n")
        try repo.commit("file to directory")
        for index in 0..<600 { try repo.write(String(format: "bulk/f%03d.txt", index), "\(index)\n") }
        try repo.commit("600 files")
        try repo.write("bulk/f007.txt", "changed\n")
        try repo.commit("one bulk file")
        try repo.git(["rm", "-q", "-r", "x"])
        try repo.write("x", "a file again\n")
        try repo.commit("directory to file")
        try repo.git(["rm", "-q", "approvals/r1/bob.yaml"])
        try repo.commit("withdraw")
        return repo
    }

    /// Everything the walk distinguishes: clean merges of side work, a merge that brings back
    /// a deleted file, `-s ours`, criss-cross merges, an octopus, plus the linear shapes.
    private func mergeHistory() throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write("readme.txt", "r\n")
        try repo.write("policies/p.yaml", "p\n")
        try repo.write("approvals/r1/bob.yaml", "approve\n")
        try repo.write("x", "a file\n")
        try repo.write("renamed/old.txt", "moving\n")
        try repo.commit("base")
        for seed in 0..<5 { try touch(repo, seed, "main"); try repo.commit("main \(seed)") }
        // A clean merge of new work on a side branch.
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.write("approvals/r1/carol.yaml", "approve\n")
        try repo.commit("carol approves")
        try repo.write("données/é.yaml", "é\n")
        try repo.commit("non-ASCII on the branch")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("policies/p.yaml", "tightened\n")
        try repo.commit("tighten")
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge topic", "topic"])
        // A merge that brings back a deleted file.
        try repo.git(["checkout", "-q", "-b", "old"])
        try repo.write("notes.txt", "n\n")
        try repo.commit("work forked before the withdrawal")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["rm", "-q", "approvals/r1/bob.yaml"])
        try repo.commit("withdraw")
        try repo.git(["merge", "-q", "--no-ff", "--no-commit", "old"])
        try repo.git(["checkout", "old", "--", "approvals/r1/bob.yaml"])
        try repo.commit("merge old, keeping the approval")
        // `-s ours` from an old branch, then merged back.
        try repo.git(["checkout", "-q", "-b", "ours", "main~3"])
        try repo.write("approvals/r2/dan.yaml", "dan\n")
        try repo.commit("dan on an old branch")
        try repo.git(["merge", "-q", "-s", "ours", "-m", "merge main, keeping ours", "main"])
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge ours", "ours"])
        // Criss-cross.
        try repo.git(["checkout", "-q", "-b", "cc1"])
        try repo.write("readme.txt", "cc1\n")
        try repo.commit("cc1 work")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["checkout", "-q", "-b", "cc2"])
        try repo.write("deep/a/b/c/d/e/f/g/h/i/j/file.txt", "cc2\n")
        try repo.commit("cc2 work")
        try repo.git(["checkout", "-q", "cc1"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "cc1 merges cc2", "cc2"])
        try repo.git(["checkout", "-q", "cc2"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "cc2 merges cc1", "cc1~1"])
        try repo.write("approvals/r2/dan.yaml", "dan on cc2\n")
        try repo.commit("cc2 more")
        try repo.git(["checkout", "-q", "cc1"])
        try repo.write("policies/p.yaml", "cc1 policy\n")
        try repo.commit("cc1 more")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge cc1", "cc1"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge cc2", "cc2"])
        // Octopus.
        for (branch, file) in [("o1", "approvals/r1/carol.yaml"), ("o2", "approvals/r2/eve.yaml"), ("o3", "renamed/old.txt")] {
            try repo.git(["checkout", "-q", "-b", branch, "main"])
            try repo.write(file, "\(branch)\n")
            try repo.commit("\(branch) work")
        }
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "octopus", "o1", "o2", "o3"])
        // Renames, file ↔ directory, many files.
        try repo.git(["mv", "renamed/old.txt", "renamed/new.txt"])
        try repo.commit("rename")
        try repo.git(["rm", "-q", "x"])
        try repo.write("x/y.txt", "now a directory\n")
        try repo.commit("file to directory")
        for index in 0..<600 { try repo.write(String(format: "bulk/f%03d.txt", index), "\(index)\n") }
        try repo.commit("600 files")
        for seed in 5..<9 { try touch(repo, seed, "late"); try repo.commit("late \(seed)") }
        try repo.write("bulk/f511.txt", "changed\n")
        try repo.commit("one bulk file")
        return repo
    }

    private func commits(_ repo: TestRepository) throws -> [ObjectID] {
        try repo.git(["rev-list", "--all"]).split(separator: "\n").map { try id(String($0)) }
    }

    private func writeGraph(_ repo: TestRepository, _ extra: [String] = []) throws {
        try repo.git(["commit-graph", "write", "--reachable", "--changed-paths"] + extra)
    }

    private func graphFile(_ repo: TestRepository) -> String { repo.path + "/.git/objects/info/commit-graph" }

    /// Every (head, path) answer of the walk without a graph (one question at a time).
    private func plainAnswers(_ repo: TestRepository, heads: [ObjectID]) throws -> [String: ObjectID?] {
        let plain = try Repository.discover(startingAt: repo.path)
        XCTAssertNil(plain.commitGraph, "no graph yet")
        var answers: [String: ObjectID?] = [:]
        for head in heads {
            for path in Self.paths { answers[head.hex + path] = .some(try plain.accountableChange(of: path, from: head)) }
        }
        return answers
    }

    private func assertAnswers(_ repo: TestRepository, heads: [ObjectID], equal expected: [String: ObjectID?],
                               _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let opened = try Self.openWithGraph(repo)
        for head in heads {
            for path in Self.paths {
                XCTAssertEqual(try opened.accountableChange(of: path, from: head), expected[head.hex + path]!,
                               "\(what): \(path) from \(head.short)", file: file, line: line)
            }
        }
    }

    /// The repository with its commit-graph opened (walks open it by themselves only when long).
    private static func openWithGraph(_ repo: TestRepository) throws -> Repository {
        let opened = try Repository.discover(startingAt: repo.path)
        _ = opened.commitGraph
        return opened
    }

    // MARK: Answers

    func testLinearHistoryAnswersEqualGitLogWithAndWithoutTheGraph() throws {
        let repo = try linearHistory()
        let heads = try commits(repo)
        let expected = try plainAnswers(repo, heads: heads)
        let head = heads[0]
        for path in Self.paths {
            let log = try repo.git(["log", "-1", "--format=%H", head.hex, "--", path])
            XCTAssertEqual(expected[head.hex + path]!?.hex ?? "", log, "git log -1 -- \(path)")
        }
        try writeGraph(repo)
        let graphed = try Repository.discover(startingAt: repo.path)
        let graph = try XCTUnwrap(graphed.commitGraph)
        XCTAssertEqual(graph.commitCount, heads.count)
        XCTAssertEqual(graph.bloomSettings?.hashVersion, 1, "git 2.39 writes version 1 filters")
        XCTAssertEqual(graph.refusals, [])
        try assertAnswers(repo, heads: heads, equal: expected, "with the graph")
        for path in Self.files where !path.hasPrefix("bulk") || path == "bulk/f007.txt" {
            let log = try repo.git(["log", "-1", "--format=%H", head.hex, "--", path])
            XCTAssertEqual(try graphed.lastChange(of: path, from: head)?.hex ?? "", try graphed.blobID(atPath: path, inCommit: head) == nil ? "" : log,
                           "lastChange of \(path) with the graph")
        }
    }

    func testMergeHistoryAnswersAreTheSameWithTheGraphAndInOneWalk() throws {
        let repo = try mergeHistory()
        let heads = try commits(repo)
        let expected = try plainAnswers(repo, heads: heads)
        let plain = try Repository.discover(startingAt: repo.path)
        var expectedSeries: [String: [ObjectID]] = [:]
        for head in heads.prefix(12) {
            for path in Self.paths { expectedSeries[head.hex + path] = try plain.accountableChanges(of: path, from: head, limit: 4) }
        }
        try writeGraph(repo)
        try assertAnswers(repo, heads: heads, equal: expected, "with the graph")

        let graphed = try Repository.discover(startingAt: repo.path)
        XCTAssertNotNil(graphed.commitGraph)
        var octopus = false
        for commit in heads {
            let parents = try graphed.parents(of: commit)
            XCTAssertEqual(parents, try plain.parents(of: commit), "parents of \(commit.short) from the graph")
            octopus = octopus || parents.count == 4
            for path in Self.paths where parents.count > 1 {
                XCTAssertEqual(try graphed.step(for: path, in: commit), try plain.step(for: path, in: commit), "step at merge \(commit.short) for \(path)")
            }
        }
        XCTAssertTrue(octopus, "the octopus merge's four parents come from the graph's edge list")

        // One walk per head for every path; then every question of every head in one walk.
        for head in heads {
            let fresh = try Self.openWithGraph(repo)
            let answers = try fresh.accountableChanges(of: Self.paths, from: head)
            for path in Self.paths { XCTAssertEqual(answers[path]!, expected[head.hex + path]!, "one walk: \(path) from \(head.short)") }
        }
        let questions = heads.flatMap { head in Self.paths.map { Repository.PathQuestion(path: $0, from: head) } }
            + heads.prefix(12).flatMap { head in Self.paths.map { Repository.PathQuestion(path: $0, from: head, limit: 4) } }
        for opened in [try Self.openWithGraph(repo), plain] {
            let answers = try opened.accountableChanges(for: questions)
            for question in questions {
                if question.limit == 1 {
                    XCTAssertEqual(answers[question]?.first, expected[question.head.hex + question.path]!, "all in one walk: \(question)")
                } else {
                    XCTAssertEqual(answers[question], expectedSeries[question.head.hex + question.path], "series in one walk: \(question)")
                }
            }
        }
        let lastChanges = try graphed.lastChanges(of: Self.paths, from: heads[0])
        for path in Self.paths {
            XCTAssertEqual(lastChanges[path]!, try plain.lastChange(of: path, from: heads[0]), "lastChanges: \(path)")
        }
    }

    /// `isAncestor` walks the graph's parents (pruned by topological level) once the graph is
    /// open: for every pair of commits of the merge history (criss-cross, octopus, `-s ours`)
    /// it must say what `git merge-base --is-ancestor` says, with and without the graph.
    func testAncestryFromTheGraphEqualsGits() throws {
        let repo = try mergeHistory()
        let heads = try commits(repo)
        try writeGraph(repo)
        let graphed = try Self.openWithGraph(repo)
        XCTAssertNotNil(graphed.commitGraph)
        var yes = 0, no = 0
        for ancestor in heads {
            for commit in heads {
                let plain = try Repository.discover(startingAt: repo.path)
                let expected = (try? repo.git(["merge-base", "--is-ancestor", ancestor.hex, commit.hex])) != nil
                XCTAssertEqual(try graphed.isAncestor(ancestor, of: commit), expected, "\(ancestor.short) before \(commit.short), graph")
                XCTAssertEqual(try plain.isAncestor(ancestor, of: commit), expected, "\(ancestor.short) before \(commit.short), objects")
                if expected { yes += 1 } else { no += 1 }
            }
        }
        XCTAssertTrue(yes > 20 && no > 20, "both answers occur: \(yes) yes, \(no) no")
    }

    func testBloomFiltersNeverRuleOutAChangedPath() throws {
        let repo = try mergeHistory()
        try writeGraph(repo)
        let opened = try Repository.discover(startingAt: repo.path)
        var ruledOut = 0
        var unchangedASCII = 0
        var sawLarge = false
        for commit in try commits(repo) {
            let parents = try opened.parents(of: commit)
            let diff = try repo.git(["diff-tree", "-r", "-z", "--name-only", "--no-commit-id", "--root"]
                                    + (parents.first.map { [$0.hex] } ?? []) + [commit.hex])
            var changed: Set<String> = []
            for file in diff.split(separator: "\0") {
                var prefix = ""
                for component in file.split(separator: "/") {
                    prefix += (prefix.isEmpty ? "" : "/") + component
                    changed.insert(prefix)
                }
            }
            if changed.count > 512 {
                sawLarge = true
                for path in Self.paths { XCTAssertEqual(opened.mayHaveChanged(path, in: commit), .unknown, "more than 512 changes") }
                continue
            }
            for path in changed.union(Self.paths) {
                let answer = opened.mayHaveChanged(path, in: commit)
                if path.utf8.contains(where: { $0 >= 0x80 }) {
                    XCTAssertEqual(answer, .unknown, "version 1 filters and a non-ASCII path: \(path)")
                } else if changed.contains(path) {
                    XCTAssertNotEqual(answer, .no, "\(commit.short) changed \(path)")
                } else {
                    unchangedASCII += 1
                    if answer == .no { ruledOut += 1 }
                }
            }
        }
        XCTAssertTrue(sawLarge)
        XCTAssertGreaterThan(ruledOut * 10, unchangedASCII * 9, "the filters rule out most unchanged paths (\(ruledOut)/\(unchangedASCII))")
    }

    func testSplitChainsAndGraphsThatCoverOnlyOlderCommits() throws {
        let repo = try linearHistory()
        let heads = try commits(repo)
        let expected = try plainAnswers(repo, heads: heads)
        // A graph of the history up to the 600-file commit; newer commits are read as objects.
        try repo.git(["commit-graph", "write", "--changed-paths", "--stdin-commits"], stdin: try repo.git(["rev-parse", "HEAD~2"]) + "\n")
        var graph = try XCTUnwrap(try Repository.discover(startingAt: repo.path).commitGraph)
        XCTAssertEqual(graph.commitCount, heads.count - 2)
        try assertAnswers(repo, heads: heads, equal: expected, "graph of older commits only")
        // Split layers: the base, then two more.
        try FileManager.default.removeItem(atPath: graphFile(repo))
        try repo.git(["commit-graph", "write", "--changed-paths", "--split=no-merge", "--stdin-commits"], stdin: try repo.git(["rev-parse", "HEAD~9"]) + "\n")
        try repo.git(["commit-graph", "write", "--changed-paths", "--split=no-merge", "--stdin-commits"], stdin: try repo.git(["rev-parse", "HEAD~4"]) + "\n")
        try repo.git(["commit-graph", "write", "--reachable", "--changed-paths", "--split=no-merge"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: graphFile(repo)))
        graph = try XCTUnwrap(try Repository.discover(startingAt: repo.path).commitGraph)
        XCTAssertEqual(graph.layerCount, 3)
        XCTAssertEqual(graph.commitCount, heads.count)
        try assertAnswers(repo, heads: heads, equal: expected, "three layers")
        // A damaged top layer: the two below are used.
        let chain = try String(contentsOfFile: repo.path + "/.git/objects/info/commit-graphs/commit-graph-chain", encoding: .utf8)
        let top = try XCTUnwrap(chain.split(separator: "\n").last)
        let topFile = repo.path + "/.git/objects/info/commit-graphs/graph-\(top).graph"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: topFile)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: topFile))
        graph = try XCTUnwrap(try Repository.discover(startingAt: repo.path).commitGraph)
        XCTAssertEqual(graph.layerCount, 2)
        XCTAssertEqual(graph.refusals.count, 1)
        XCTAssertTrue(graph.refusals[0].contains("checksum"), graph.refusals[0])
        try assertAnswers(repo, heads: heads, equal: expected, "damaged top layer")
    }

    func testALongWalkOpensTheGraphByItselfAndAShortOneDoesNot() throws {
        // 1,500 commits by fast-import: `old.txt` in the first, `new.txt` in the last but three.
        let repo = try TestRepository()
        var stream = ""
        for index in 0..<1_500 {
            stream += "commit refs/heads/main\nmark :\(index + 1)\ncommitter C <c@example.com> \(1_700_000_000 + index * 60) +0000\n"
            stream += "data 2\nc\n" + (index == 0 ? "" : "from :\(index)\n")
            let file = index == 0 ? "old.txt" : index == 1_496 ? "new.txt" : "churn/\(index % 7).txt"
            stream += "M 100644 inline \(file)\ndata 6\n\(String(format: "%05d", index))\n\n"
        }
        try repo.git(["fast-import", "--quiet"], stdin: stream)
        let first = try repo.git(["rev-list", "--max-parents=0", "main"])
        let near = try repo.git(["rev-parse", "main~3"])
        try writeGraph(repo)
        let head = try id(try repo.git(["rev-parse", "main"]))

        let opened = try Repository.discover(startingAt: repo.path)
        XCTAssertEqual(try opened.lastChange(of: "new.txt", from: head)?.hex, near)
        XCTAssertFalse(opened.hasOpenedCommitGraph, "four steps: the graph stays closed")
        XCTAssertEqual(try opened.lastChange(of: "old.txt", from: head)?.hex, first)
        XCTAssertTrue(opened.hasOpenedCommitGraph, "1,500 steps: the walk opened the graph")
        XCTAssertNotNil(opened.commitGraph?.bloomSettings)
        XCTAssertEqual(try opened.accountableChanges(of: "churn", from: head, limit: 3).map(\.hex),
                       try repo.git(["log", "-3", "--format=%H", "main", "--", "churn"]).split(separator: "\n").map(String.init))
    }

    func testGitsReasonsNotToUseTheGraphAreHonoured() throws {
        let repo = try linearHistory()
        try writeGraph(repo)
        XCTAssertNotNil(try Repository.discover(startingAt: repo.path).commitGraph)
        try repo.git(["config", "core.commitGraph", "false"])
        XCTAssertNil(try Repository.discover(startingAt: repo.path).commitGraph, "core.commitGraph=false")
        try repo.git(["config", "--unset", "core.commitGraph"])
        try repo.git(["config", "commitGraph.readChangedPaths", "false"])
        XCTAssertNil(try Repository.discover(startingAt: repo.path).commitGraph?.bloomSettings, "commitGraph.readChangedPaths=false")
        try repo.git(["config", "--unset", "commitGraph.readChangedPaths"])
        let head = try repo.git(["rev-parse", "HEAD"])
        try repo.git(["replace", "HEAD~1", "HEAD~2"])
        XCTAssertNil(try Repository.discover(startingAt: repo.path).commitGraph, "refs/replace/ present")
        try repo.git(["replace", "-d", try repo.git(["rev-parse", "HEAD~1"])])
        XCTAssertNotNil(try Repository.discover(startingAt: repo.path).commitGraph)
        try repo.write(".git/info/grafts", "\(head)\n")
        XCTAssertNil(try Repository.discover(startingAt: repo.path).commitGraph, "grafts")
        try repo.delete(".git/info/grafts")
        let shallow = try repo.clone(["--depth", "3"])
        try writeGraph(shallow)
        XCTAssertNil(try Repository.discover(startingAt: shallow.path).commitGraph, "shallow clone")
    }

    func testOneWalkConsultsAndTellsKeptAnswersLikeSeparateWalks() throws {
        let repo = try mergeHistory()
        try writeGraph(repo)
        let head = try id(try repo.git(["rev-parse", "HEAD"]))
        let separate = RecordedAnswers()
        let single = try Self.openWithGraph(repo)
        single.keptAnswers = separate
        var expected: [String: ObjectID?] = [:]
        for path in Self.paths { expected[path] = .some(try single.accountableChange(of: path, from: head)) }
        let together = RecordedAnswers()
        let many = try Self.openWithGraph(repo)
        many.keptAnswers = together
        XCTAssertEqual(try many.accountableChanges(of: Self.paths, from: head), expected)
        XCTAssertEqual(together.told, separate.told, "the same answers told, for the same heads")
        XCTAssertFalse(together.told.isEmpty)

        // A kept answer for a commit the walk reaches is the answer (it is not walked past).
        let middle = try id(try repo.git(["rev-parse", "HEAD~3"]))
        let planted = try id(try repo.git(["rev-parse", "HEAD~5"]))
        for oneWalk in [false, true] {
            let kept = RecordedAnswers()
            kept.known["policies/p.yaml\u{0}" + middle.hex] = planted
            let opened = try Self.openWithGraph(repo)
            opened.keptAnswers = kept
            let found = oneWalk ? try opened.accountableChanges(of: ["policies/p.yaml", "readme.txt"], from: head)["policies/p.yaml"]!
                : try opened.accountableChange(of: "policies/p.yaml", from: head)
            XCTAssertEqual(found, planted, oneWalk ? "in one walk" : "alone")
        }
    }

    // MARK: Damage

    /// The graph file's bytes with a valid trailing checksum.
    private static func resigned(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 20 else { return bytes }
        let body = Array(bytes[..<(bytes.count - 20)])
        return body + Array(Insecure.SHA1.hash(data: body))
    }

    private static func setU32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(index))) }
    }

    /// The offset of a chunk named in the table.
    private static func chunkOffset(_ bytes: [UInt8], _ name: String) -> Int? {
        let chunks = Int(bytes[6])
        for index in 0..<chunks {
            let entry = 8 + index * 12
            if String(decoding: bytes[entry..<entry + 4], as: UTF8.self) == name {
                return bytes[entry + 4..<entry + 12].reduce(0) { $0 << 8 | Int($1) }
            }
        }
        return nil
    }

    func testDamagedGraphsAreRefusedAndAnswersStayTheSame() throws {
        let repo = try linearHistory()
        let heads = try commits(repo)
        let expected = try plainAnswers(repo, heads: Array(heads.prefix(4)))
        try writeGraph(repo)
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: graphFile(repo))))
        let objects = repo.path + "/.git/objects"
        XCTAssertNotNil(CommitGraph.open(objectsDirectory: objects))

        var damages: [(String, [UInt8], String)] = []
        damages.append(("truncated", Array(good.prefix(good.count - 7)), "checksum"))
        damages.append(("cut to the header", Array(good.prefix(30)), "too short"))
        var flipped = good
        flipped[good.count / 3] ^= 0x01
        damages.append(("a flipped byte", flipped, "checksum"))
        var badSum = good
        badSum[good.count - 1] ^= 0xFF
        damages.append(("a wrong checksum", badSum, "checksum"))
        var offsets = good
        Self.setU32(&offsets, 8 + 4, 0x7FFF_FFFF)  // the first chunk starts far past the end
        damages.append(("a chunk offset past the end", Self.resigned(offsets), "outside the file"))
        var backwards = good
        Self.setU32(&backwards, 8 + 12 + 8, 40)  // the second chunk starts inside the table
        damages.append(("a chunk offset inside the table", Self.resigned(backwards), "outside the file"))
        var hugeCount = good
        let fanout = try XCTUnwrap(Self.chunkOffset(good, "OIDF"))
        Self.setU32(&hugeCount, fanout + 255 * 4, 0xFFFF_FFF0)
        damages.append(("a huge commit count", Self.resigned(hugeCount), "too many commits"))
        var parent = good
        let data = try XCTUnwrap(Self.chunkOffset(good, "CDAT"))
        Self.setU32(&parent, data + 20, 50_000)
        damages.append(("a parent past the commits", Self.resigned(parent), "parent past the commits"))
        var bloomIndex = good
        let bidx = try XCTUnwrap(Self.chunkOffset(good, "BIDX"))
        Self.setU32(&bloomIndex, bidx, 0x00FF_FFFF)
        damages.append(("a Bloom index past the filters", Self.resigned(bloomIndex), "Bloom filter index"))
        var version = good
        version[5] = 2
        damages.append(("a SHA-256 graph", Self.resigned(version), "SHA-1"))

        for (what, bytes, reason) in damages {
            try Data(bytes).write(to: URL(fileURLWithPath: graphFile(repo)))
            var refused: [String] = []
            XCTAssertNil(CommitGraph.open(objectsDirectory: objects, refused: &refused), what)
            XCTAssertEqual(refused.count, 1, what)
            XCTAssertTrue(refused.first?.contains(reason) == true, "\(what): \(refused)")
            XCTAssertNil(try Repository.discover(startingAt: repo.path).commitGraph, what)
            try assertAnswers(repo, heads: Array(heads.prefix(4)), equal: expected, what)
        }
    }

    func testFuzzedGraphBytesNeverCrashTheReader() throws {
        let repo = try mergeHistory()
        try writeGraph(repo)
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: graphFile(repo))))
        let opened = try Repository.discover(startingAt: repo.path)
        let commits = try commits(repo)
        let objects = repo.path + "/.git/objects"
        var generator = SeededGenerator(seed: 0x15_2026)
        var accepted = 0
        for round in 0..<300 {
            var bytes = good
            switch round % 4 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 1:  // the header and chunk table, re-signed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<min(80, bytes.count - 20), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                bytes = Self.resigned(bytes)
            default:  // anywhere, re-signed half the time
                for _ in 0..<Int.random(in: 1...16, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
                if round % 4 == 2 { bytes = Self.resigned(bytes) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: graphFile(repo)))
            guard let graph = CommitGraph.open(objectsDirectory: objects) else { continue }
            accepted += 1
            XCTAssertTrue(round % 4 == 1 || round % 4 == 2, "only re-signed bytes can be accepted (round \(round))")
            // Whatever was accepted can be read everywhere without leaving the file.
            for commit in commits {
                guard let position = graph.lookup(commit) else { continue }
                for parent in graph.parents(at: position) { _ = graph.objectID(at: parent) }
                _ = graph.rootTree(at: position)
                _ = graph.commitTime(at: position)
                for path in Self.paths { if let keys = graph.changedPathKeys(for: path) { _ = graph.mayHaveChanged(keys, at: position) } }
            }
        }
        XCTAssertGreaterThan(accepted, 0, "some re-signed flips land where nothing is checked (filter bits, times)")
        _ = opened
    }
}

/// `HistoryAnswers` that remembers what it was told.
final class RecordedAnswers: HistoryAnswers, @unchecked Sendable {
    var known: [String: ObjectID] = [:]
    var told: Set<String> = []

    func lastChange(of path: String, from head: ObjectID) -> ObjectID? { known[path + "\u{0}" + head.hex] }
    func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) -> Bool? { nil }
    func found(lastChange: ObjectID, of path: String, from head: ObjectID) {
        told.insert(path + " " + head.hex + " " + lastChange.hex)
    }
    func found(isAncestor: Bool, _ ancestor: ObjectID, of commit: ObjectID) {}
}

/// A small deterministic generator (SplitMix64) for the fuzz loop.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
