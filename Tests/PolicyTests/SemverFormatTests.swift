import Documents
import XCTest

/// The `semver` text format is SemVer 2.0.0's grammar exactly (https://semver.org, §2, §9,
/// §10 and the BNF): valid and invalid strings taken from the specification's rules.
final class SemverFormatTests: XCTestCase {
    func testValidVersionsAreAccepted() {
        for text in ["0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.1.2+meta-valid",
                     "1.0.0-alpha", "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.beta.1", "1.0.0-alpha.1",
                     "1.0.0-alpha0.valid", "1.0.0-alpha.0valid", "1.0.0-rc.1+build.1", "2.0.0-rc.1+build.123",
                     "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123", "2.0.0+build.1848", "2.0.1-alpha.1227",
                     "1.0.0+0.build.1-rc.10000aaa-kk-0.1", "1.0.0-0A.is.legal", "1.0.0+001", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788"] {
            XCTAssertTrue(TextFormat.semver.accepts(text), text)
        }
    }

    func testInvalidVersionsAreRefused() {
        for text in ["banana", "1", "1.2", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid",
                     "-invalid+invalid", "-invalid.01", "alpha", "alpha.beta", "alpha.beta.1", "alpha.1", "alpha+beta",
                     "alpha_beta", "alpha.", "alpha..", "beta", "1.0.0-alpha_beta", "-alpha.", "1.0.0-alpha..",
                     "1.0.0-alpha..1", "1.0.0-alpha...1", "01.1.1", "1.01.1", "1.1.01", "1.2.3.DEV", "1.2-SNAPSHOT",
                     "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", "1.2-RC-SNAPSHOT", "-1.0.3-gamma+b7718",
                     "+justmeta", "9.8.7+meta+meta", "9.8.7-whatever+meta+meta", "v1.2.3", "1.2.3 ", " 1.2.3", "", "1.2.3-",
                     "1.2.3+", "１.2.3"] {
            XCTAssertFalse(TextFormat.semver.accepts(text), text)
        }
    }

    func testTheMessageNamesTheGrammar() {
        XCTAssertEqual(TextFormat.semver.violation("banana"),
                       "'banana' is not a semantic version: SemVer 2.0.0 is MAJOR.MINOR.PATCH (numbers without leading zeros), optionally -prerelease and +build, e.g. 2.1.0 or 2.1.0-rc.1")
    }
}
