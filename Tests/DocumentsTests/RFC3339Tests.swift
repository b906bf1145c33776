import Documents
import Foundation
import XCTest

/// RFC 3339 is parsed and printed by hand (no ICU formatter per call); Foundation's
/// `ISO8601DateFormatter` is the reference it is compared with.
final class RFC3339Tests: XCTestCase {
    func testParsingAgreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        for text in ["2026-11-20T14:03:00Z", "2026-11-20T14:03:00.25+05:30", "1999-12-31T23:59:59-08:00",
                     "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-07-20T20:17:40Z", "2400-03-01T12:00:00+14:00"] {
            let expected = try XCTUnwrap(formatter.date(from: text) ?? plain.date(from: text), text)
            let parsed = try XCTUnwrap(RFC3339.parse(text), text)
            XCTAssertEqual(parsed.timeIntervalSince1970, expected.timeIntervalSince1970, accuracy: 1e-6, text)
        }
        XCTAssertEqual(RFC3339.parse("2026-11-20 14:03:00Z"), RFC3339.parse("2026-11-20T14:03:00Z"))
        XCTAssertEqual(RFC3339.parse("2026-11-20")?.timeIntervalSince1970, 1_795_132_800)
    }

    func testRefusesWhatTheSchemaPatternRefuses() {
        for text in ["2026-13-01", "2026-00-10", "2026-11-32", "2026-11-20T14:03Z", "2026-11-20T14:03:00",
                     "2026-11-20t14:03:00z", "20-11-2026", "tomorrow", "2026-11-20T25:00:00Z", "2026-11-20T14:60:00Z",
                     "2026-11-20T14:03:00+24:00", "2026-11-20T14:03:00.Z", "2026-11-20T14:03:00Zjunk", ""] {
            XCTAssertNil(RFC3339.parse(text), text)
        }
    }

    func testFormatsInUTCLikeFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for seconds in [0, 1_795_180_980, 951_782_400, -14_182_940, 13_569_465_600, 1_700_000_000] {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            XCTAssertEqual(RFC3339.format(date), formatter.string(from: date), "\(seconds)")
            XCTAssertEqual(RFC3339.day(date), String(formatter.string(from: date).prefix(10)), "\(seconds)")
        }
    }
}
