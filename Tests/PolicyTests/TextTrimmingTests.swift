import Foundation
@testable import Policy
import XCTest

/// `require` and `lineage` measure text after trimming white space; the trimming is done
/// without Foundation for speed and must agree with `trimmingCharacters(in: .whitespacesAndNewlines)`.
final class TextTrimmingTests: XCTestCase {
    func testAgreesWithFoundation() {
        let samples = ["", " ", "\t\n\r", "  intended use  ", "a", "\u{00A0}x\u{2028}", "\u{3000}全角\u{3000}",
                       "e\u{301} ", " \u{1F600}\u{1F3FD}\n", "line one\nline two\n", "\u{0085}next\u{0085}", "\u{200B}zero width\u{200B}"]
        for text in samples {
            XCTAssertEqual(String(text.trimmedOfWhitespace), text.trimmingCharacters(in: .whitespacesAndNewlines),
                           text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
            XCTAssertEqual(text.trimmedOfWhitespace.count, text.trimmingCharacters(in: .whitespacesAndNewlines).count)
        }
    }

    func testTrimsExactlyFoundationsWhiteSpaceOverAllOfUnicode() {
        let foundation = CharacterSet.whitespacesAndNewlines
        var differences: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if String.isTrimmedSpace(scalar) != foundation.contains(scalar) { differences.append(String(value, radix: 16)) }
        }
        XCTAssertEqual(differences, [])
    }
}
