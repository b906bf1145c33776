/// A set of code points: `[a-z]`, `[^…]`, `\d`, `\w`, `\s`, `[[:alpha:]]`, `\pL`.
struct CharacterClass: Sendable {
    /// Code point ranges in the set.
    var ranges: [ClosedRange<UInt32>] = []
    /// Unicode general categories in (or, `negated`, out of) the set, from `\p` and `\P`.
    var categories: [(categories: Set<String>, negated: Bool)] = []
    var negated = false
    var caseInsensitive = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = containsExactly(scalar.value, scalar)
        if !found && caseInsensitive {
            for variant in CaseFolding.variants(of: scalar) where containsExactly(variant.value, variant) {
                found = true
                break
            }
        }
        return found != negated
    }

    private func containsExactly(_ value: UInt32, _ scalar: Unicode.Scalar) -> Bool {
        for range in ranges where range.contains(value) { return true }
        for entry in categories where CharacterClass.category(of: scalar, in: entry.categories) != entry.negated {
            return true
        }
        return false
    }

    static func category(of scalar: Unicode.Scalar, in names: Set<String>) -> Bool {
        if names.contains("Any") { return true }
        let code = generalCategoryCode(scalar.properties.generalCategory)
        return names.contains(code) || names.contains(String(code.prefix(1)))
    }

    /// The two-letter Unicode abbreviation of a general category (`Lu`, `Nd`, …).
    static func generalCategoryCode(_ category: Unicode.GeneralCategory) -> String {
        switch category {
        case .uppercaseLetter: return "Lu"
        case .lowercaseLetter: return "Ll"
        case .titlecaseLetter: return "Lt"
        case .modifierLetter: return "Lm"
        case .otherLetter: return "Lo"
        case .nonspacingMark: return "Mn"
        case .spacingMark: return "Mc"
        case .enclosingMark: return "Me"
        case .decimalNumber: return "Nd"
        case .letterNumber: return "Nl"
        case .otherNumber: return "No"
        case .connectorPunctuation: return "Pc"
        case .dashPunctuation: return "Pd"
        case .openPunctuation: return "Ps"
        case .closePunctuation: return "Pe"
        case .initialPunctuation: return "Pi"
        case .finalPunctuation: return "Pf"
        case .otherPunctuation: return "Po"
        case .mathSymbol: return "Sm"
        case .currencySymbol: return "Sc"
        case .modifierSymbol: return "Sk"
        case .otherSymbol: return "So"
        case .spaceSeparator: return "Zs"
        case .lineSeparator: return "Zl"
        case .paragraphSeparator: return "Zp"
        case .control: return "Cc"
        case .format: return "Cf"
        case .surrogate: return "Cs"
        case .privateUse: return "Co"
        case .unassigned: return "Cn"
        @unknown default: return "Cn"
        }
    }

    /// The category names `\p{…}` accepts: one letter (`L`), two letters (`Lu`), or `Any`.
    static let knownCategories: Set<String> = [
        "Any", "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
        "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ]

    // MARK: Perl and POSIX classes (ASCII, as in RE2)

    static let digitRanges: [ClosedRange<UInt32>] = [48...57]
    static let wordRanges: [ClosedRange<UInt32>] = [48...57, 65...90, 95...95, 97...122]
    static let spaceRanges: [ClosedRange<UInt32>] = [9...10, 12...13, 32...32]

    static let posixRanges: [String: [ClosedRange<UInt32>]] = [
        "alnum": [48...57, 65...90, 97...122],
        "alpha": [65...90, 97...122],
        "ascii": [0...127],
        "blank": [9...9, 32...32],
        "cntrl": [0...31, 127...127],
        "digit": [48...57],
        "graph": [33...126],
        "lower": [97...122],
        "print": [32...126],
        "punct": [33...47, 58...64, 91...96, 123...126],
        "space": [9...13, 32...32],
        "upper": [65...90],
        "word": [48...57, 65...90, 95...95, 97...122],
        "xdigit": [48...57, 65...70, 97...102],
    ]

    /// The code points not in `ranges` (which must be sorted and disjoint).
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = max(next, range.upperBound + 1)
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }
}
