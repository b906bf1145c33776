/// How values are written as text: `string(double)` and messages.
enum CELFormatting {
    /// A double as `string()` writes it: the shortest digits that read back as the same
    /// double, in Go's `%g` style (exponent form below 1e-4 and from 1e6 up), as cel-go does:
    /// `123.456`, `-0.0045`, `123456`, `1e+06`, `NaN`, `+Inf`.
    static func double(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(abs(value))
        var text = value < 0 ? "-" : ""
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            text.append(Character(Unicode.Scalar(digits[0])))
            if digits.count > 1 {
                text.append(".")
                text.append(String(decoding: digits[1...], as: UTF8.self))
            }
            text.append(exponent < 0 ? "e-" : "e+")
            let magnitude = abs(exponent)
            text.append(magnitude < 10 ? "0\(magnitude)" : "\(magnitude)")
            return text
        }
        if point > 0 {
            for i in 0..<point { text.append(i < digits.count ? Character(Unicode.Scalar(digits[i])) : "0") }
        } else {
            text.append("0")
        }
        let fraction = max(digits.count - point, 0)
        if fraction > 0 {
            text.append(".")
            for i in 0..<fraction {
                let at = point + i
                text.append(at >= 0 && at < digits.count ? Character(Unicode.Scalar(digits[at])) : "0")
            }
        }
        return text
    }

    /// The shortest round-trip decimal digits of a positive finite double and where the
    /// decimal point goes: value = 0.d1d2d3… × 10^point.
    private static func shortestDigits(_ value: Double) -> (digits: [UInt8], point: Int) {
        // Swift's description is already the shortest round-trip form ("0.0045", "1e-05",
        // "1.5e+20"); only its layout is rearranged here.
        let text = "\(value)"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integer = mantissa
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integer = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = Array(integer.utf8) + Array(fraction.utf8)
        var point = integer.utf8.count + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits.isEmpty ? [UInt8(ascii: "0")] : digits, point)
    }

    /// A string as a double-quoted CEL literal.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    text += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }

    /// A value written as a CEL literal for an error message, cut after about `limit`
    /// characters (`[1, 2, 3, …`), so that a huge input never makes a huge message.
    static func abbreviated(_ value: CELValue, limit: Int = 80) -> String {
        var text = ""
        append(value, to: &text, limit: limit)
        if text.count > limit {
            text = String(text.prefix(limit)) + "…"
        }
        return text
    }

    private static func append(_ value: CELValue, to text: inout String, limit: Int) {
        guard text.count <= limit else { return }
        switch value {
        case .list(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                guard text.count <= limit else { return }
                if index > 0 { text += ", " }
                append(element, to: &text, limit: limit)
            }
            text += "]"
        case .map(let map):
            text += "{"
            for (index, entry) in map.enumerated() {
                guard text.count <= limit else { return }
                if index > 0 { text += ", " }
                append(entry.key.value, to: &text, limit: limit)
                text += ": "
                append(entry.value, to: &text, limit: limit)
            }
            text += "}"
        case .string(let s) where s.utf8.count > limit:
            text += quoted(String(s.prefix(limit)))
        case .bytes(let b) where b.count > limit:
            text += CELValue.bytes(Array(b.prefix(limit))).description
        default:
            text += value.description
        }
    }
}
