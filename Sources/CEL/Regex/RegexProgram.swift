/// A compiled regular expression, run by a Pike VM (Thompson's construction simulated over
/// all threads at once): time O(text × program), no backtracking, so `(a+)+$` costs the
/// same as `a+$`. It answers only whether the pattern matches somewhere in the text (RE2's
/// `PartialMatch`), which is what CEL's `matches` needs.
struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        case scalar(UInt32)
        /// A code point compared after simple case folding (`(?i)`).
        case foldedScalar(UInt32)
        case any
        case anyButNewline
        case characterClass(Int)
        /// Try both targets, the first preferred.
        case split(Int, Int)
        case jump(Int)
        case assertion(RegexAssertion)
        case match
    }

    private(set) var instructions: [Instruction] = []
    private var classes: [CharacterClass] = []
    /// Largest program accepted; a pattern like `(a{1000}){1000}` is refused rather than
    /// expanded.
    static let maxSize = 10_000

    /// The number of instructions, which bounds the work per text position.
    var size: Int { instructions.count }

    init(_ pattern: String) throws(RegexError) {
        let node = try RegexParser.parse(pattern)
        try emit(node, StackGuard())
        try append(.match)
    }

    // MARK: Compilation

    @discardableResult
    private mutating func append(_ instruction: Instruction) throws(RegexError) -> Int {
        guard instructions.count < Self.maxSize else {
            throw RegexError(message: "pattern too large: it compiles to more than \(Self.maxSize) instructions")
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RegexNode, _ stackGuard: StackGuard) throws(RegexError) {
        if !stackGuard.hasRoom() {
            throw RegexError(message: "pattern nests too deeply for this thread's stack")
        }
        switch node {
        case .empty:
            break
        case .scalar(let scalar, let caseInsensitive):
            if caseInsensitive, !CaseFolding.variants(of: scalar).isEmpty {
                try append(.foldedScalar(CaseFolding.fold(scalar)))
            } else {
                try append(.scalar(scalar.value))
            }
        case .any(let matchesNewline):
            try append(matchesNewline ? .any : .anyButNewline)
        case .characterClass(let set):
            classes.append(set)
            try append(.characterClass(classes.count - 1))
        case .assertion(let assertion):
            try append(.assertion(assertion))
        case .concatenation(let items):
            for item in items { try emit(item, stackGuard) }
        case .alternation(let branches):
            var exits: [Int] = []
            for (offset, branch) in branches.enumerated() {
                if offset == branches.count - 1 {
                    try emit(branch, stackGuard)
                } else {
                    let split = try append(.split(0, 0))
                    try emit(branch, stackGuard)
                    exits.append(try append(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                }
            }
            for exit in exits { instructions[exit] = .jump(instructions.count) }
        case .repetition(let body, let min, let max, let greedy):
            for _ in 0..<min { try emit(body, stackGuard) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(try append(.split(0, 0)))
                    try emit(body, stackGuard)
                }
                let end = instructions.count
                for split in splits {
                    instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1)
                }
            } else {
                let loop = try append(.split(0, 0))
                try emit(body, stackGuard)
                try append(.jump(loop))
                let end = instructions.count
                instructions[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
            }
        }
    }

    // MARK: Matching

    /// Whether the pattern matches some substring of `text`.
    func search(_ text: [Unicode.Scalar]) -> Bool {
        var current = ThreadSet(capacity: instructions.count)
        var next = ThreadSet(capacity: instructions.count)
        var stack: [Int] = []
        let anchored: Bool
        if case .assertion(.beginText) = instructions.first { anchored = true } else { anchored = false }
        for position in 0...text.count {
            if position == 0 || !anchored {
                if addThread(&current, 0, position, text, &stack) { return true }
            }
            if position == text.count || current.isEmpty && anchored { return false }
            let scalar = text[position]
            next.clear()
            for pc in current.members {
                let advances: Bool
                switch instructions[pc] {
                case .scalar(let value): advances = scalar.value == value
                case .foldedScalar(let value): advances = CaseFolding.fold(scalar) == value
                case .any: advances = true
                case .anyButNewline: advances = scalar != "\n"
                case .characterClass(let index): advances = classes[index].contains(scalar)
                default: advances = false
                }
                if advances, addThread(&next, pc + 1, position + 1, text, &stack) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds the thread at `pc` and everything reachable from it without consuming input;
    /// true as soon as one of them is a match.
    private func addThread(_ set: inout ThreadSet, _ pc: Int, _ position: Int, _ text: [Unicode.Scalar], _ stack: inout [Int]) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(pc)
        while let pc = stack.popLast() {
            guard set.insert(pc) else { continue }
            switch instructions[pc] {
            case .match:
                return true
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assertion(let assertion):
                if holds(assertion, at: position, in: text) { stack.append(pc + 1) }
            default:
                break
            }
        }
        return false
    }

    private func holds(_ assertion: RegexAssertion, at position: Int, in text: [Unicode.Scalar]) -> Bool {
        let before = position > 0 ? text[position - 1] : nil
        let after = position < text.count ? text[position] : nil
        switch assertion {
        case .beginText: return position == 0
        case .endText: return position == text.count
        case .beginLine: return before == nil || before == "\n"
        case .endLine: return after == nil || after == "\n"
        case .wordBoundary: return Self.isWord(before) != Self.isWord(after)
        case .notWordBoundary: return Self.isWord(before) == Self.isWord(after)
        }
    }

    private static func isWord(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar, scalar.isASCII else { return false }
        let v = scalar.value
        return (48...57).contains(v) || (65...90).contains(v) || (97...122).contains(v) || v == 95
    }
}
