import Policy
import XCTest

final class PathGlobTests: XCTestCase {
    func testGlobs() {
        let yaml = PathGlob("**/*.yaml")
        XCTAssertTrue(yaml.matches("card.yaml"))
        XCTAssertTrue(yaml.matches("models/fraud/card.yaml"))
        XCTAssertFalse(yaml.matches("models/fraud/card.yml"))
        XCTAssertTrue(PathGlob("policies/**").matches("policies/a/b.yaml"))
        XCTAssertTrue(PathGlob("policies/").matches("policies/release-gate.yaml"))
        XCTAssertFalse(PathGlob("policies/*").matches("policies/tests/case.yaml"))
        XCTAssertTrue(PathGlob("runs/*/run-?.yaml").matches("runs/x/run-1.yaml"))
        XCTAssertFalse(PathGlob("runs/*.yaml").matches("runs/x/run-1.yaml"))
        XCTAssertTrue(PathGlob("./.tollgate.yaml").matches(".tollgate.yaml"))
    }
}
