/// Substring search over UTF-8 bytes in linear time (Knuth–Morris–Pratt), so that
/// `contains` costs what the budget charges for it whatever the input.
enum Substrings {
    static func contains(_ text: [UInt8], _ pattern: [UInt8]) -> Bool {
        if pattern.isEmpty { return true }
        if pattern.count > text.count { return false }
        var failure = [Int](repeating: 0, count: pattern.count)
        var k = 0
        for i in 1..<pattern.count {
            while k > 0 && pattern[i] != pattern[k] { k = failure[k - 1] }
            if pattern[i] == pattern[k] { k += 1 }
            failure[i] = k
        }
        k = 0
        for byte in text {
            while k > 0 && byte != pattern[k] { k = failure[k - 1] }
            if byte == pattern[k] { k += 1 }
            if k == pattern.count { return true }
        }
        return false
    }
}
