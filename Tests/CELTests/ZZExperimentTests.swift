@testable import CEL
import Foundation
import XCTest

final class ZZExperimentTests: XCTestCase {
    static func deepExpressions(_ n: Int) -> [String] {
        [
            String(repeating: "(", count: n - 1) + "7" + String(repeating: ")", count: n - 1),
            String(repeating: "[", count: n - 1) + "7" + String(repeating: "]", count: n - 1),
            String(repeating: "-(", count: n / 2 - 1) + "7" + String(repeating: ")", count: n / 2 - 1),
            "a" + String(repeating: ".b", count: n - 1),
            Array(repeating: "1", count: n).joined(separator: " + "),
            String(repeating: "int(", count: n - 1) + "7" + String(repeating: ")", count: n - 1),
            String(repeating: "true ? 1 : ", count: n - 1) + "2",
            String(repeating: "[1].all(x, ", count: n / 2 - 1) + "true" + String(repeating: ")", count: n / 2 - 1),
            String(repeating: "{1: ", count: n - 1) + "7" + String(repeating: "}", count: n - 1),
        ]
    }

    static func runAll(_ n: Int) -> [String] {
        var out: [String] = []
        var v: CELValue = .int(1)
        for _ in 0..<300 { var m = CELMap(); m["b"] = v; v = .map(m) }
        for (i, e) in deepExpressions(n).enumerated() {
            FileHandle.standardError.write("start \(n) #\(i)\n".data(using: .utf8)!)
            do {
                let p = try CELProgram(e, limits: CELLimits(maxDepth: 10_000))
                let r = try p.evaluate(["a": v])
                out.append("ok \(String(describing: r).prefix(20))")
                FileHandle.standardError.write("  ok\n".data(using: .utf8)!)
            } catch {
                out.append("err \(error)")
                FileHandle.standardError.write("  err \(error)\n".data(using: .utf8)!)
            }
        }
        return out
    }

    func run(stack: Int, n: Int) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: [String] = []
        let thread = Thread {
            result = Self.runAll(n)
            done.signal()
        }
        thread.stackSize = stack
        thread.start()
        done.wait()
        print("stack \(stack / 1024)K n=\(n)\n  " + result.joined(separator: "\n  "))
    }

    func testDeep() {
        run(stack: 512 * 1024, n: 250)
        run(stack: 512 * 1024, n: 2000)
        run(stack: 8 * 1024 * 1024, n: 250)
        run(stack: 8 * 1024 * 1024, n: 1000)
        run(stack: 8 * 1024 * 1024, n: 5000)
    }
}
