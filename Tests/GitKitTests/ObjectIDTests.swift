import XCTest
import GitKit

final class ObjectIDTests: XCTestCase {
    func testAcceptsFortyHexCharactersAndLowercasesThem() throws {
        let id = try XCTUnwrap(ObjectID(hex: "ABCDEF0123456789abcdef0123456789ABCDEF01"))
        XCTAssertEqual(id.hex, "abcdef0123456789abcdef0123456789abcdef01")
        XCTAssertEqual(id.short, "abcdef0")
        XCTAssertEqual(id.description, id.hex)
    }

    func testRejectsWrongLengthOrNonHex() {
        XCTAssertNil(ObjectID(hex: ""))
        XCTAssertNil(ObjectID(hex: "abc1234"))
        XCTAssertNil(ObjectID(hex: String(repeating: "a", count: 41)))
        XCTAssertNil(ObjectID(hex: String(repeating: "g", count: 40)))
        XCTAssertNil(ObjectID(hex: " " + String(repeating: "a", count: 39)))
    }

    func testOrdersByHex() throws {
        let low = try XCTUnwrap(ObjectID(hex: String(repeating: "0", count: 40)))
        let high = try XCTUnwrap(ObjectID(hex: String(repeating: "f", count: 40)))
        XCTAssertLessThan(low, high)
        XCTAssertEqual([high, low].sorted(), [low, high])
    }
}
