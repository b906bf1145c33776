/// The YAML 1.2 core schema, the one that decides what a plain scalar means.
///
/// Written out by hand: YAML 1.1 resolvers (Yams', PyYAML's) would read `no`, `on` and
/// `y` as booleans and `0123` as octal.
enum YAMLCoreSchema {
    /// The value of a plain (unquoted, untagged) scalar.
    static func resolvePlain(_ text: String) -> YAMLValue.Kind {
        // Most scalars are words: only these first characters can start a null, a boolean
        // or a number.
        if let first = text.utf8.first {
            switch first {
            case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
                 UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                break
            default:
                return .string(text)
            }
        }
        if isNull(text) { return .null }
        if let bool = bool(text) { return .bool(bool) }
        if let int = int(text) { return int }
        if let double = float(text) { return .double(double) }
        return .string(text)
    }

    /// `null | Null | NULL | ~ |` (empty).
    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// `true | True | TRUE | false | False | FALSE`.
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`. An integer too large for `Int` becomes
    /// a `.double` (the scalar keeps its text, so nothing is lost for fields that want it).
    static func int(_ text: String) -> YAMLValue.Kind? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.count > 2 && bytes[0] == UInt8(ascii: "0") && (bytes[1] == UInt8(ascii: "o") || bytes[1] == UInt8(ascii: "x")) {
            let radix = bytes[1] == UInt8(ascii: "o") ? 8 : 16
            let digits = bytes[2...]
            guard digits.allSatisfy({ digitValue($0) < radix }) else { return nil }
            if let value = Int(String(decoding: digits, as: UTF8.self), radix: radix) { return .int(value) }
            return .double(digits.reduce(0.0) { $0 * Double(radix) + Double(digitValue($1)) })
        }
        let start = bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") ? 1 : 0
        guard start < bytes.count, bytes[start...].allSatisfy(isDecimalDigit) else { return nil }
        if let value = Int(text) { return .int(value) }
        return Double(text).map { .double($0) }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.nan|\.NaN|\.NAN`.
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let bytes = Array(text.utf8)
        var index = 0
        var sign = ""
        if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
            sign = bytes[index] == UInt8(ascii: "-") ? "-" : ""
            index += 1
        }
        let integerStart = index
        while index < bytes.count && isDecimalDigit(bytes[index]) { index += 1 }
        let integerDigits = bytes[integerStart..<index]
        var fractionDigits = bytes[index..<index]
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count && isDecimalDigit(bytes[index]) { index += 1 }
            fractionDigits = bytes[fractionStart..<index]
            // `.` alone, or `.` without digits on either side, is not a number.
            if integerDigits.isEmpty && fractionDigits.isEmpty { return nil }
        } else if integerDigits.isEmpty {
            return nil
        }
        var exponent = ""
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentSign = ""
            if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                exponentSign = bytes[index] == UInt8(ascii: "-") ? "-" : "+"
                index += 1
            }
            let exponentStart = index
            while index < bytes.count && isDecimalDigit(bytes[index]) { index += 1 }
            guard index > exponentStart else { return nil }
            exponent = "e" + exponentSign + String(decoding: bytes[exponentStart..<index], as: UTF8.self)
        }
        guard index == bytes.count else { return nil }
        // Swift's parser wants digits on both sides of the point.
        let integerPart = integerDigits.isEmpty ? "0" : String(decoding: integerDigits, as: UTF8.self)
        let fractionPart = fractionDigits.isEmpty ? "0" : String(decoding: fractionDigits, as: UTF8.self)
        return Double(sign + integerPart + "." + fractionPart + exponent)
    }

    private static func isDecimalDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The value of a hexadecimal digit, or 16 for anything else.
    private static func digitValue(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return 16
        }
    }
}
