import Foundation
import TollgateTestSupport
import XCTest

/// Policy packs that update (docs/packs.md): a local bare repository is the pack's source,
/// the DistilOps demo is the consumer. `policy pack update` vendors the pack into
/// policies/vendor/acme/ and pins it in policies/vendor/packs.lock; `policy check` applies the
/// pack's rules and blocks, naming the lock, when a vendored file is not what it pins.
final class VendoredPackTests: XCTestCase, VendoredPackHelpers {
    static let vendored = "policies/vendor/acme/acme-serving.yaml"
    static let lock = "policies/vendor/packs.lock"
    static let rule = "acme-serving/p50-latency"

    /// The pack's policy: p50 at most `max` ms for production promotions (the demo's run has 11.4).
    static func policy(max: Double) -> String {
        """
        apiVersion: tollgate/v1
        kind: Policy
        metadata:
          name: acme-serving
        spec:
          description: ACME's serving floor
          match: {kinds: [PromotionRequest], to: [production], models: ["*"]}
          enforcement: block
          rules:
            - id: p50-latency
              description: p50 latency within ACME's floor
              threshold: {value: run.spec.serving.p50Ms, max: \(max), unit: ms}

        """
    }

    /// The pack's source: a bare repository (`git init --bare`) with tags v1 (p50 ≤ 10 ms: the
    /// demo blocks) and v2 (p50 ≤ 12 ms: it passes), pushed from an author's clone.
    final class PackSource {
        let bare: ScratchRepository
        let author: ScratchRepository
        var path: String { bare.root.path }

        init() throws {
            bare = try ScratchRepository(prefix: "pack-source", start: .initialised(bare: true))
            author = try ScratchRepository(prefix: "pack-author", clock: 1_790_000_000)
            try author.write("policies/acme-serving.yaml", VendoredPackTests.policy(max: 10))
            try author.write("policies/README.md", "ACME policy pack\n")
            try author.write("README.md", "not part of the pack: outside policies/\n")
            try author.makeCommit("ACME pack v1")
            try author.runGit(["tag", "v1"])
            try author.write("policies/acme-serving.yaml", VendoredPackTests.policy(max: 12))
            try author.makeCommit("ACME pack v2: p50 floor 12 ms")
            try author.runGit(["tag", "-a", "v2", "-m", "v2"])
            try author.runGit(["push", "-q", bare.root.path, "main", "v1", "v2"])
        }

        func commit(of tag: String) throws -> String {
            try bare.runGit(["rev-parse", "\(tag)^{commit}"]).text
        }
    }

    /// The demo with `.tollgate.yaml` naming the pack (`extra` lines added to its entry).
    // MARK: - Update and check

    func testUpdateVendorsThePackPinsItInTheLockAndCheckAppliesItsRulesLocatedInTheVendoredFile() throws {
        let source = try PackSource()
        let demo = try consumer(source)
        let update = try demo.policy("pack", "update")
        XCTAssertEqual(update.status, 0, update.stdout + update.stderr)
        let v1 = try source.commit(of: "v1")
        XCTAssertTrue(update.stdout.contains("acme: v1 → commit \(v1.prefix(12)), 2 files in policies/vendor/acme/ (vendored)"), update.stdout)
        XCTAssertEqual(try demo.read(Self.vendored), Self.policy(max: 10))
        XCTAssertEqual(try demo.read("policies/vendor/acme/README.md"), "ACME policy pack\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor/acme/policies").path))
        let lock = try demo.read(Self.lock)
        XCTAssertTrue(lock.contains("commit: \"\(v1)\""), lock)
        XCTAssertTrue(lock.contains("ref: \"v1\""), lock)
        // The digest is the one docs/packs.md says: sha256 of the sha256sum listing.
        let listing = try demo.run("/bin/sh", ["-c", "cd policies/vendor/acme && find . -type f -printf '%P\\n' | LC_ALL=C sort | tr '\\n' '\\0' | xargs -0 sha256sum | sha256sum"],
                                   in: demo.root)
        let digest = "sha256:" + listing.stdout.prefix(64)
        XCTAssertTrue(lock.contains("digest: \"\(digest)\""), lock + listing.stdout)
        XCTAssertTrue(update.stdout.contains("digest: \(digest)"), update.stdout)

        let check = try demo.policy("check", "--format", "json")
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        let blocked = try findings(check, rule: Self.rule)
        XCTAssertEqual(blocked.count, 1, check.stdout)
        XCTAssertEqual(location(blocked.first?["location"]), "runs/fraud-student/run-8812.yaml:30:12")
        let bound = (blocked.first?["notes"] as? [[String: Any]])?.first
        XCTAssertEqual(location(bound?["location"]), "\(Self.vendored):12:55", check.stdout)
        XCTAssertEqual(try findings(check, rule: "pack/lock").count, 0, check.stdout)

        let list = try demo.policy("pack", "list")
        XCTAssertEqual(list.status, 0, list.stdout + list.stderr)
        XCTAssertTrue(list.stdout.contains("acme: \(source.path) @ v1: commit \(v1.prefix(12)), \(digest)"), list.stdout)
    }

    func testATamperedVendoredFileIsABlockingFindingNamingTheLockInEveryMode() throws {
        let source = try PackSource()
        let demo = try consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        try demo.commitSigned("Vendor the ACME pack v1", as: "dana")

        try demo.edit(Self.vendored, replacing: "max: 10", with: "max: 100")
        let working = try demo.policy("check", "--format", "json")
        XCTAssertEqual(working.status, 1, working.stdout + working.stderr)
        let tampered = try findings(working, rule: "pack/lock")
        XCTAssertEqual(tampered.count, 1, working.stdout)
        XCTAssertEqual(location(tampered.first?["location"]), "\(Self.vendored):1:1")
        let message = tampered.first?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("\(Self.vendored) of policy pack 'acme' is not the content \(Self.lock) pins"), message)
        let pinned = (tampered.first?["notes"] as? [[String: Any]])?.first
        XCTAssertEqual((pinned?["location"] as? [String: Any])?["file"] as? String, Self.lock)
        // The tampered rules are not applied: what nobody pinned judges nothing.
        XCTAssertEqual(try findings(working, rule: Self.rule).count, 0, working.stdout)

        try demo.git("add", "-A")
        let staged = try demo.policy("check", "--staged")
        XCTAssertEqual(staged.status, 1, staged.stdout + staged.stderr)
        XCTAssertTrue(staged.flat.contains("\(Self.vendored) of policy pack 'acme' is not the content \(Self.lock) pins"), staged.stdout)

        try demo.commitAll("Loosen the ACME floor by hand")
        let revision = try demo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(revision.status, 1, revision.stdout + revision.stderr)
        XCTAssertTrue(revision.flat.contains("\(Self.vendored):1:1"), revision.stdout)
        XCTAssertTrue(revision.flat.contains("pins"), revision.stdout)

        // A vendored file that no longer parses is the tampering it is, not an invalid policy.
        try demo.write(Self.vendored, "apiVersion: tollgate/v1\nkind: Policy\n  broken: [\n")
        let garbled = try demo.policy("check")
        XCTAssertEqual(garbled.status, 1, garbled.stdout + garbled.stderr)
        XCTAssertTrue(garbled.flat.contains("\(Self.vendored) of policy pack 'acme' is not the content \(Self.lock) pins"), garbled.stdout)
        try demo.git("checkout", "--", Self.vendored)

        // A file added to, or removed from, the vendored pack blocks the same way.
        try demo.git("revert", "--no-edit", "HEAD")
        try demo.write("policies/vendor/acme/extra.yaml", Self.policy(max: 99).replacingOccurrences(of: "name: acme-serving", with: "name: acme-extra"))
        let added = try demo.policy("check")
        XCTAssertEqual(added.status, 1)
        XCTAssertTrue(added.flat.contains("policies/vendor/acme/extra.yaml is not part of policy pack 'acme' as \(Self.lock) pins it"), added.stdout)
        try demo.delete("policies/vendor/acme/extra.yaml")
        try demo.delete("policies/vendor/acme/README.md")
        let removed = try demo.policy("check")
        XCTAssertEqual(removed.status, 1)
        XCTAssertTrue(removed.flat.contains("policies/vendor/acme/README.md of policy pack 'acme' is missing: \(Self.lock) pins it"), removed.stdout)
    }

    func testUpdatingToV2ChangesTheLockAndThePacksRules() throws {
        let source = try PackSource()
        let demo = try consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        let before = try demo.read(Self.lock)
        try nameThePack(in: demo, source: source.path, ref: "v2")
        // The Config asks for v2 but the lock pins v1: blocks until updated.
        let stale = try demo.policy("check")
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.flat.contains(".tollgate.yaml asks for ref 'v2' of policy pack 'acme' but \(Self.lock) pins 'v1'"), stale.stdout)

        let update = try demo.policy("pack", "update", "acme")
        XCTAssertEqual(update.status, 0, update.stdout + update.stderr)
        let v1 = try source.commit(of: "v1"), v2 = try source.commit(of: "v2")
        XCTAssertTrue(update.stdout.contains("acme: v2 → commit \(v2.prefix(12)), 2 files in policies/vendor/acme/ (updated from \(v1.prefix(12)))"), update.stdout)
        let after = try demo.read(Self.lock)
        XCTAssertNotEqual(before, after)
        XCTAssertTrue(after.contains("commit: \"\(v2)\""), after)
        XCTAssertEqual(try demo.read(Self.vendored), Self.policy(max: 12))

        let check = try demo.policy("check", "--format", "json")
        XCTAssertEqual(check.status, 1, "still the demo's p95")
        XCTAssertEqual(try findings(check, rule: Self.rule).count, 0, "11.4 ms is within v2's 12 ms: \(check.stdout)")
        XCTAssertEqual(try findings(check, rule: "pack/lock").count, 0, check.stdout)
        XCTAssertEqual(try findings(check, rule: "release-gate/p95-latency").count, 1)

        // A pack the Config no longer names is removed, with the lock when none is left.
        var config = try demo.read(".tollgate.yaml")
        config = String(config[..<config.range(of: "\n  packs:")!.lowerBound]) + "\n"
        try demo.write(".tollgate.yaml", config)
        let removal = try demo.policy("pack", "update")
        XCTAssertEqual(removal.status, 0, removal.stdout + removal.stderr)
        XCTAssertTrue(removal.stdout.contains("acme: removed (no longer named in the Config)"), removal.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))
        XCTAssertEqual(try findings(try demo.policy("check", "--format", "json"), rule: Self.rule).count, 0)
    }

    // MARK: - Update refuses, writing nothing

    func testAWrongDigestAnUnknownRefAndAnUnreachableSourceAreExit2AndWriteNothing() throws {
        let source = try PackSource()
        let demo = try consumer(source, extra: ", digest: \"sha256:\(String(repeating: "0", count: 64))\"")
        let wrong = try demo.policy("pack", "update")
        XCTAssertEqual(wrong.status, 2, wrong.stdout + wrong.stderr)
        let digestLine = try demo.line(of: "digest:", in: ".tollgate.yaml")
        XCTAssertTrue(wrong.stderr.contains(".tollgate.yaml:\(digestLine):"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("policy pack 'acme' at 'v1' (commit \(try source.commit(of: "v1").prefix(7))) has content digest sha256:"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("nothing was written"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))

        try nameThePack(in: demo, source: source.path, ref: "v9")
        let unknown = try demo.policy("pack", "update")
        XCTAssertEqual(unknown.status, 2, unknown.stdout + unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("ref 'v9' of policy pack 'acme' does not resolve in '\(source.path)'"), unknown.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))

        try nameThePack(in: demo, source: source.path + "-gone", ref: "v1")
        let unreachable = try demo.policy("pack", "update")
        XCTAssertEqual(unreachable.status, 2, unreachable.stdout + unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("policy pack 'acme' cannot be fetched from '\(source.path)-gone'"), unreachable.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))

        // A vendored pack stays as it was when a later update fails.
        try nameThePack(in: demo, source: source.path, ref: "v1")
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        let lock = try demo.read(Self.lock)
        try nameThePack(in: demo, source: source.path, ref: "v2", extra: ", digest: \"sha256:\(String(repeating: "a", count: 64))\"")
        XCTAssertEqual(try demo.policy("pack", "update").status, 2)
        XCTAssertEqual(try demo.read(Self.lock), lock)
        XCTAssertEqual(try demo.read(Self.vendored), Self.policy(max: 10))
    }

    func testAPackThatBringsATeamIsRefusedAndAHandWrittenVendorFileBlocks() throws {
        let source = try PackSource()
        try source.author.write("policies/team.yaml", """
            apiVersion: tollgate/v1
            kind: Team
            metadata:
              name: acme-team
            spec:
              members:
                - {id: mallory, name: Mallory, emails: [m@example.com], roles: [policy-owner]}

            """)
        try source.author.makeCommit("ACME pack v3: brings a team")
        try source.author.runGit(["tag", "v3"])
        try source.author.runGit(["push", "-q", source.bare.root.path, "v3"])
        let demo = try consumer(source, ref: "v3")
        let refused = try demo.policy("pack", "update")
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("policy pack 'acme' holds a Team document, policies/team.yaml: a pack brings policies, never members or settings; nothing was written"),
                      refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.url("policies/vendor").path))

        try nameThePack(in: demo, source: source.path, ref: "v1")
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        try demo.write("policies/vendor/mine.yaml", Self.policy(max: 99).replacingOccurrences(of: "name: acme-serving", with: "name: mine"))
        let stray = try demo.policy("check", "--format", "json")
        XCTAssertEqual(stray.status, 1, stray.stdout + stray.stderr)
        XCTAssertTrue(try findings(stray, rule: "pack/lock").contains { finding in
            self.location(finding["location"]) == "policies/vendor/mine.yaml:1:1"
                && (finding["message"] as? String ?? "").contains("belongs to no pack pinned in \(Self.lock)")
        }, stray.stdout)
    }

    func testAPackTheConfigNamesButThatWasNeverVendoredBlocksTellingToUpdate() throws {
        let source = try PackSource()
        let demo = try consumer(source)
        let check = try demo.policy("check", "--format", "json")
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        let missing = try findings(check, rule: "pack/lock")
        XCTAssertEqual(missing.count, 1, check.stdout)
        XCTAssertEqual(location(missing.first?["location"]), ".tollgate.yaml:\(try demo.line(of: "- {name: acme", in: ".tollgate.yaml")):7")
        XCTAssertTrue((missing.first?["message"] as? String ?? "").contains("policy pack 'acme' is named in .tollgate.yaml but was never vendored (there is no \(Self.lock)): run `policy pack update`"),
                      check.stdout)
    }

    func testPackEntriesAreValidatedWithLocatedErrors() throws {
        let demo = try GitSandbox.demo()
        var config = try demo.read(".tollgate.yaml")
        config += """
              packs:
                - {name: acme, source: /somewhere/acme.git, ref: v1, tag: v1}
                - {source: /somewhere/other.git}
                - {name: third, source: /x.git, ref: v1, digest: "sha256:abc"}
                - {source: /elsewhere/acme.git, ref: v2}

            """
        try demo.write(".tollgate.yaml", config)
        let schema = try demo.policy("check")
        XCTAssertEqual(schema.status, 2, schema.stdout + schema.stderr)
        let first = try demo.line(of: "tag: v1", in: ".tollgate.yaml")
        XCTAssertTrue(schema.stderr.contains(".tollgate.yaml:\(first):"), schema.stderr)
        XCTAssertTrue(schema.stderr.contains("tag"), schema.stderr)
        XCTAssertTrue(schema.stderr.contains("ref"), schema.stderr)

        // Once the schema holds, the digest and the duplicate name are checked, located.
        try demo.edit(".tollgate.yaml", replacing: ", tag: v1}", with: "}")
        try demo.edit(".tollgate.yaml", replacing: "- {source: /somewhere/other.git}", with: "- {source: /somewhere/other.git, ref: v3}")
        let entries = try demo.policy("check")
        XCTAssertEqual(entries.status, 2, entries.stdout + entries.stderr)
        let third = try demo.line(of: "name: third", in: ".tollgate.yaml")
        let fourth = try demo.line(of: "/elsewhere/acme.git", in: ".tollgate.yaml")
        XCTAssertTrue(entries.stderr.contains(".tollgate.yaml:\(third):"), entries.stderr)
        XCTAssertTrue(entries.stderr.contains("'sha256:abc' is not a pack digest"), entries.stderr)
        XCTAssertTrue(entries.stderr.contains(".tollgate.yaml:\(fourth):"), entries.stderr)
        XCTAssertTrue(entries.stderr.contains("two packs are named 'acme'"), entries.stderr)
    }

    // MARK: - Range mode

    /// A pull request that loosens the vendored pack by hand: the pack's rules come from the
    /// base, the head's vendored file differs from its lock, and the change is not signed by a
    /// policy-owner (policies/** is protected in the demo's Config).
    func testBaseReadsThePackFromTheBaseAndATamperingChangeIsBlocked() throws {
        let source = try PackSource()
        let demo = try consumer(source)
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        try demo.commitSigned("Vendor the ACME pack v1", as: "dana")
        try demo.git("checkout", "-q", "-b", "loosen")
        try demo.edit(Self.vendored, replacing: "max: 10", with: "max: 100")
        try demo.commitSigned("Loosen the ACME floor", as: "alice")

        let range = try demo.policy("check", "--base", "main", "--all", "--format", "json")
        XCTAssertEqual(range.status, 1, range.stdout + range.stderr)
        XCTAssertEqual(try findings(range, rule: Self.rule).count, 1, "the base's pack still judges the request: \(range.stdout)")
        let tampered = try findings(range, rule: "pack/lock")
        XCTAssertEqual(tampered.count, 1, range.stdout)
        XCTAssertTrue((tampered.first?["message"] as? String ?? "").contains("not the content \(Self.lock) pins"))
        let protected = try findings(range, rule: "provenance/protected-paths")
        XCTAssertTrue(protected.contains { ($0["message"] as? String ?? "").contains("changes \(Self.vendored), which only a member holding 'policy-owner' may change") },
                      range.stdout)

        // Updating the lock with the tampered content does not help: the base's pack judges,
        // and the unsigned change of the lock is a protected-path block.
        try demo.git("checkout", "-q", "main")
        try demo.git("checkout", "-q", "-b", "relock")
        try nameThePack(in: demo, source: source.path, ref: "v2")
        XCTAssertEqual(try demo.policy("pack", "update").status, 0)
        try demo.commitSigned("ACME pack v2", as: "alice")
        let relock = try demo.policy("check", "--base", "main", "--all", "--format", "json")
        XCTAssertEqual(relock.status, 1, relock.stdout + relock.stderr)
        XCTAssertEqual(try findings(relock, rule: Self.rule).count, 1, "v1 from the base still blocks: \(relock.stdout)")
        XCTAssertEqual(try findings(relock, rule: "pack/lock").count, 0, "the head's pack matches its lock: \(relock.stdout)")
        XCTAssertTrue(try findings(relock, rule: "provenance/protected-paths").contains { ($0["message"] as? String ?? "").contains(Self.lock) },
                      relock.stdout)
    }
}
