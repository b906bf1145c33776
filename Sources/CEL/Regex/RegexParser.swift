/// Parses RE2 syntax: literals, `.`, classes (`[a-z]`, `[^…]`, `[[:alpha:]]`), `\d \w \s`
/// and their negations, `\pL` / `\p{Greek}`-style general categories, anchors `^ $ \A \z`,
/// word boundaries `\b \B`, groups `(…)`, `(?:…)`, `(?P<name>…)`, alternation, the
/// quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms, and the flags `i`, `m`, `s`, `U`
/// (`(?i)`, `(?i:…)`, `(?-i)`). Backreferences and look-around are rejected, as RE2 rejects
/// them.
struct RegexParser {
    struct Flags {
        var caseInsensitive = false
        var multiLine = false
        var dotMatchesNewline = false
        var ungreedy = false
    }

    private let pattern: [Unicode.Scalar]
    private var index = 0
    private var depth = 0
    private let stackGuard = StackGuard()
    static let maxNesting = 100
    /// RE2's bound on a counted repetition.
    static let maxRepeat = 1000

    private init(_ pattern: String) {
        self.pattern = Array(pattern.unicodeScalars)
    }

    static func parse(_ pattern: String) throws(RegexError) -> RegexNode {
        var parser = RegexParser(pattern)
        var flags = Flags()
        let node = try parser.alternation(&flags)
        if parser.index < parser.pattern.count {
            throw RegexError(message: "unexpected ')'")
        }
        return node
    }

    private var peek: Unicode.Scalar? { index < pattern.count ? pattern[index] : nil }

    private func peek(_ ahead: Int) -> Unicode.Scalar? {
        index + ahead < pattern.count ? pattern[index + ahead] : nil
    }

    private mutating func next() -> Unicode.Scalar? {
        guard index < pattern.count else { return nil }
        defer { index += 1 }
        return pattern[index]
    }

    /// alternation = concatenation { "|" concatenation }
    private mutating func alternation(_ flags: inout Flags) throws(RegexError) -> RegexNode {
        var branches = [try concatenation(&flags)]
        while peek == "|" {
            index += 1
            branches.append(try concatenation(&flags))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    /// concatenation = { atom { quantifier } }
    private mutating func concatenation(_ flags: inout Flags) throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek, c != "|", c != ")" {
            if c == "*" || c == "+" || c == "?" {
                throw RegexError(message: "missing argument to repetition operator '\(c)'")
            }
            if c == "{", let _ = repetitionBounds(at: index) {
                throw RegexError(message: "missing argument to repetition operator '{'")
            }
            guard var atom = try atom(&flags) else { continue }
            var quantified = false
            quantifiers: while let q = peek {
                let bounds: (min: Int, max: Int?)
                switch q {
                case "*": bounds = (0, nil); index += 1
                case "+": bounds = (1, nil); index += 1
                case "?": bounds = (0, 1); index += 1
                case "{":
                    guard let parsed = repetitionBounds(at: index) else { break quantifiers }
                    if parsed.min > Self.maxRepeat || (parsed.max ?? 0) > Self.maxRepeat {
                        throw RegexError(message: "repetition count above \(Self.maxRepeat)")
                    }
                    if let max = parsed.max, max < parsed.min {
                        throw RegexError(message: "bad repetition range {\(parsed.min),\(max)}")
                    }
                    bounds = (parsed.min, parsed.max)
                    index = parsed.end
                default:
                    break quantifiers
                }
                if quantified {
                    throw RegexError(message: "bad repetition operator: a quantifier cannot follow another ('\(q)')")
                }
                var greedy = true
                if peek == "?" {
                    greedy = false
                    index += 1
                }
                if peek == "+" {
                    throw RegexError(message: "possessive quantifiers are not supported (RE2 syntax)")
                }
                if flags.ungreedy { greedy.toggle() }
                atom = .repetition(atom, min: bounds.min, max: bounds.max, greedy: greedy)
                quantified = true
            }
            items.append(atom)
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .concatenation(items)
    }

    /// `{n}`, `{n,}` or `{n,m}` at `start`, with the index after it; nil when the brace is
    /// not a repetition (RE2 then reads it as a literal `{`).
    private func repetitionBounds(at start: Int) -> (min: Int, max: Int?, end: Int)? {
        var i = start + 1
        func number() -> Int? {
            var value = 0
            var digits = 0
            while i < pattern.count, ("0"..."9").contains(pattern[i]), let d = Int(String(pattern[i])) {
                value = min(value * 10 + d, 100_000)
                digits += 1
                i += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if i < pattern.count, pattern[i] == "," {
            i += 1
            high = number()
        }
        guard i < pattern.count, pattern[i] == "}" else { return nil }
        return (low, high, i + 1)
    }

    /// One atom, or nil for a flag group like `(?i)` that only changes the flags.
    private mutating func atom(_ flags: inout Flags) throws(RegexError) -> RegexNode? {
        guard let c = next() else { return nil }
        switch c {
        case "(":
            return try group(&flags)
        case "[":
            return .characterClass(try characterClass(flags))
        case ".":
            return .any(matchesNewline: flags.dotMatchesNewline)
        case "^":
            return .assertion(flags.multiLine ? .beginLine : .beginText)
        case "$":
            return .assertion(flags.multiLine ? .endLine : .endText)
        case "\\":
            return try escape(flags)
        default:
            return .scalar(c, caseInsensitive: flags.caseInsensitive)
        }
    }

    /// After `(`: a group, a non-capturing or named group, or flags.
    private mutating func group(_ flags: inout Flags) throws(RegexError) -> RegexNode? {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxNesting || !stackGuard.hasRoom() {
            throw RegexError(message: "groups nest more than \(Self.maxNesting) deep")
        }
        var inner = flags
        if peek == "?" {
            index += 1
            switch peek {
            case "=", "!":
                throw RegexError(message: "look-ahead assertions (?\(peek!)…) are not supported (RE2 syntax)")
            case "<" where peek(1) == "=" || peek(1) == "!":
                throw RegexError(message: "look-behind assertions are not supported (RE2 syntax)")
            case ">":
                throw RegexError(message: "atomic groups (?>…) are not supported (RE2 syntax)")
            case "P", "<":
                if peek == "P" { index += 1 }
                guard peek == "<" else { throw RegexError(message: "invalid named group") }
                index += 1
                var name = ""
                while let c = next(), c != ">" { name.unicodeScalars.append(c) }
                guard !name.isEmpty, pattern[index - 1] == ">" else { throw RegexError(message: "invalid named group") }
            default:
                // Flags: (?i) (?i-s) (?i:…)
                var negate = false
                var sawFlag = false
                loop: while let c = next() {
                    switch c {
                    case "i": inner.caseInsensitive = !negate; sawFlag = true
                    case "m": inner.multiLine = !negate; sawFlag = true
                    case "s": inner.dotMatchesNewline = !negate; sawFlag = true
                    case "U": inner.ungreedy = !negate; sawFlag = true
                    case "-":
                        guard !negate else { throw RegexError(message: "invalid flags group") }
                        negate = true
                    case ")":
                        guard sawFlag else { throw RegexError(message: "invalid flags group") }
                        flags = inner
                        return nil
                    case ":":
                        break loop
                    default:
                        throw RegexError(message: "unknown flag '\(c)' in group (RE2 knows i, m, s, U)")
                    }
                }
                if index >= pattern.count || pattern[index - 1] != ":" {
                    throw RegexError(message: "missing ')' to close a flags group")
                }
            }
        }
        let body = try alternation(&inner)
        guard next() == ")" else { throw RegexError(message: "missing ')'") }
        return body
    }

    /// After `\` outside a class.
    private mutating func escape(_ flags: Flags) throws(RegexError) -> RegexNode {
        guard let c = peek else { throw RegexError(message: "trailing backslash at end of pattern") }
        switch c {
        case "A": index += 1; return .assertion(.beginText)
        case "z": index += 1; return .assertion(.endText)
        case "b": index += 1; return .assertion(.wordBoundary)
        case "B": index += 1; return .assertion(.notWordBoundary)
        case "Q":
            index += 1
            var items: [RegexNode] = []
            while let s = next() {
                if s == "\\", peek == "E" {
                    index += 1
                    break
                }
                items.append(.scalar(s, caseInsensitive: flags.caseInsensitive))
            }
            return items.count == 1 ? items[0] : .concatenation(items)
        default:
            var set = CharacterClass()
            set.caseInsensitive = flags.caseInsensitive
            if try classEscape(into: &set) { return .characterClass(set) }
            guard set.ranges.count == 1, let range = set.ranges.first, range.lowerBound == range.upperBound,
                  let scalar = Unicode.Scalar(range.lowerBound)
            else { return .characterClass(set) }
            return .scalar(scalar, caseInsensitive: flags.caseInsensitive)
        }
    }

    /// An escape after `\` (inside or outside a class), added to `set`. Returns true when it
    /// named a class (`\d`, `\pL`), false when a single code point.
    private mutating func classEscape(into set: inout CharacterClass) throws(RegexError) -> Bool {
        guard let c = next() else { throw RegexError(message: "trailing backslash at end of pattern") }
        func single(_ value: UInt32) -> Bool {
            set.ranges.append(value...value)
            return false
        }
        switch c {
        case "d": set.ranges += CharacterClass.digitRanges; return true
        case "D": set.ranges += CharacterClass.complement(CharacterClass.digitRanges); return true
        case "w": set.ranges += CharacterClass.wordRanges; return true
        case "W": set.ranges += CharacterClass.complement(CharacterClass.wordRanges); return true
        case "s": set.ranges += CharacterClass.spaceRanges; return true
        case "S": set.ranges += CharacterClass.complement(CharacterClass.spaceRanges); return true
        case "p", "P":
            var name = ""
            if peek == "{" {
                index += 1
                while let s = next(), s != "}" { name.unicodeScalars.append(s) }
                guard pattern[index - 1] == "}" else { throw RegexError(message: "missing '}' in \\p{…}") }
            } else if let s = next() {
                name = String(s)
            }
            var negated = c == "P"
            if name.hasPrefix("^") {
                negated.toggle()
                name.removeFirst()
            }
            guard CharacterClass.knownCategories.contains(name) else {
                throw RegexError(message: "unsupported Unicode class '\\\(c){\(name)}' (general categories like L, Lu, Nd are supported; scripts are not)")
            }
            set.categories.append((Set([name]), negated))
            return true
        case "a": return single(7)
        case "f": return single(12)
        case "t": return single(9)
        case "n": return single(10)
        case "r": return single(13)
        case "v": return single(11)
        case "x":
            var value: UInt32 = 0
            if peek == "{" {
                index += 1
                var digits = 0
                while let s = next(), s != "}" {
                    guard let d = UInt32(String(s), radix: 16) else {
                        throw RegexError(message: "invalid \\x{…} escape")
                    }
                    value = value &* 16 &+ d
                    digits += 1
                    if value > 0x10FFFF { throw RegexError(message: "\\x{…} escape beyond U+10FFFF") }
                }
                guard digits > 0, pattern[index - 1] == "}" else { throw RegexError(message: "invalid \\x{…} escape") }
            } else {
                for _ in 0..<2 {
                    guard let s = next(), let d = UInt32(String(s), radix: 16) else {
                        throw RegexError(message: "\\x needs two hexadecimal digits")
                    }
                    value = value * 16 + d
                }
            }
            return single(value)
        case "0"..."7":
            if c != "0", !(peek.map { ("0"..."7").contains($0) } ?? false) {
                throw RegexError(message: "backreferences (\\\(c)) are not supported (RE2 syntax)")
            }
            var value = c.value - 48
            for _ in 0..<2 {
                guard let s = peek, ("0"..."7").contains(s) else { break }
                value = value * 8 + (s.value - 48)
                index += 1
            }
            return single(value)
        case "8", "9":
            throw RegexError(message: "backreferences (\\\(c)) are not supported (RE2 syntax)")
        case "C":
            throw RegexError(message: "\\C (any byte) is not supported")
        default:
            if c.isASCII && !(c.properties.isAlphabetic || ("0"..."9").contains(c)) {
                return single(c.value)
            }
            throw RegexError(message: "invalid escape sequence '\\\(c)'")
        }
    }

    /// After `[`: `[^…]`, ranges, escapes and `[:name:]` up to the closing `]`.
    private mutating func characterClass(_ flags: Flags) throws(RegexError) -> CharacterClass {
        var set = CharacterClass()
        set.caseInsensitive = flags.caseInsensitive
        if peek == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let c = peek else { throw RegexError(message: "missing ']' to close a character class") }
            if c == "]" && !first {
                index += 1
                return set
            }
            first = false
            if c == "[", peek(1) == ":" {
                if let end = (index + 2..<pattern.count).first(where: { pattern[$0] == ":" && $0 + 1 < pattern.count && pattern[$0 + 1] == "]" }) {
                    var name = String(String.UnicodeScalarView(pattern[(index + 2)..<end]))
                    let negated = name.hasPrefix("^")
                    if negated { name.removeFirst() }
                    guard let ranges = CharacterClass.posixRanges[name] else {
                        throw RegexError(message: "unknown POSIX class [:\(name):]")
                    }
                    set.ranges += negated ? CharacterClass.complement(ranges) : ranges
                    index = end + 2
                    continue
                }
            }
            let low: UInt32
            if c == "\\" {
                index += 1
                var item = CharacterClass()
                if try classEscape(into: &item) {
                    set.ranges += item.ranges
                    set.categories += item.categories
                    continue
                }
                low = item.ranges[0].lowerBound
            } else {
                index += 1
                low = c.value
            }
            if peek == "-", let after = peek(1), after != "]" {
                index += 1
                let high: UInt32
                if after == "\\" {
                    index += 1
                    var item = CharacterClass()
                    if try classEscape(into: &item) { throw RegexError(message: "a class like \\d cannot end a range") }
                    high = item.ranges[0].lowerBound
                } else {
                    index += 1
                    high = after.value
                }
                guard low <= high else { throw RegexError(message: "bad character class range (reversed)") }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
    }
}
