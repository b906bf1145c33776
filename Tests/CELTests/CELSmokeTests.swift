import XCTest
import CEL

final class CELSmokeTests: XCTestCase {
    func testModuleLinks() { _ = CEL.self }
}
