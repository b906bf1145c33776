/// A pass over the text, before the composer sees it, that follows libyaml's scanner
/// (token boundaries, indentation, simple keys, flow levels) just closely enough to know
/// every mapping key and every collection's nesting level.
///
/// Why it exists: keys that are aliases or collections, and explicit `?` keys (the other
/// way to write a non-text key), are refused here by position, before anything is
/// composed. The Yams composer Tollgate used first hashed such keys to find duplicates,
/// walking an alias bomb's expansion exponentially, and hung before any budget applied;
/// these refusals, and their messages, stayed when `YAMLComposer` replaced it. Nesting
/// beyond the depth limit and more nodes than the budget are refused before any value is
/// built, and `scalarKeys` gives `YAMLKeyRewrite` every key's position.
///
/// The scanner mirrors libyaml 0.2.5 (`scanner.c`) rule for rule, because a difference
/// is a hole: if it took text for a quoted string that libyaml reads as tokens, a key
/// hidden there would reach the composer. Where libyaml would report an error the scan
/// simply stops: libyaml stops at that point too, so nothing after it is composed.
struct YAMLKeyScanner {
    /// Why a scan ended early.
    enum Interruption: Error {
        /// libyaml rejects the text at or before this point; the composer reports the error.
        case libyamlFails
        /// The text holds something Tollgate refuses.
        case rejected(YAMLError)
    }

    /// A mapping key written as a scalar: where its first character is (the opening quote
    /// of a quoted key) as a byte offset and a 0-based line and column, and its quote.
    struct ScalarKey: Hashable {
        var offset: Int
        var line: Int
        var column: Int
        var quote: UInt8?
    }

    /// A position, counted as libyaml counts: 0-based line and column (in code points),
    /// and `index`, the number of characters read (CR LF counting 2).
    private struct Mark {
        var offset = 0
        var line = 0
        var column = 0
        var index = 0
    }

    /// What a possible simple key turned out to be, once its node content was scanned.
    private enum KeyContent {
        case pending
        case scalar(ScalarKey)
        case alias(Mark)
        case collection(Mark)
    }

    private struct BlockCollection {
        var isMapping: Bool
        var hasIndentlessSequence = false
    }

    private struct SimpleKey {
        var possible = false
        var required = false
        var mark = Mark()
        var content = KeyContent.pending
        /// Properties written before the key, on an earlier line (`key: &anchor` then the
        /// nested mapping's first key): they belong to the mapping the key starts.
        var propertiesBefore: Mark?
    }

    /// libyaml's parser refuses nesting beyond 1000 levels. Its scanner may run ahead of
    /// the parser by up to one line or 1024 characters (closing that many flow levels), so
    /// only at this many flow levels, or this many block levels, is the refusal certain;
    /// scanning further would be wasted work and memory.
    private static let certainLibyamlNestingFailure = 2100

    private let text: [UInt8]
    private let file: String
    private let maxDepth: Int
    private let maxNodes: Int
    private let recordsKeys: Bool
    /// Scalars, aliases and collections seen: a lower bound of the nodes the stream makes.
    private var nodeCount = 0
    private var recordedKeys: Set<ScalarKey> = []
    /// Where each recorded key's node starts (its anchor or tag, if any), as 1-based
    /// line and column: what the converter reports as the key's location.
    private var recordedKeyStarts: Set<SourceLocation> = []

    private var mark = Mark()
    private var flowLevel = 0
    private var flowIsMapping: [Bool] = []
    /// At the start of an entry of a flow mapping, where libyaml's parser makes any node a
    /// key, `:` or not (`{*a}` is the mapping `{*a: null}`).
    private var atFlowMappingEntry = false
    private var indent = -1
    private var indents: [Int] = []
    /// The open block collections, innermost last, one for each entry of `indents`.
    private var blockCollections: [BlockCollection] = []
    /// Block sequences written at their parent key's column (`key:` then `- item`), which
    /// libyaml's parser nests without an entry on the indentation stack.
    private var openIndentlessSequences = 0
    private var simpleKeyAllowed = true
    /// The first anchor or tag since the last node content: where the node they belong
    /// to starts, as libyaml marks it.
    private var pendingProperties: Mark?
    private var simpleKeys = [SimpleKey()]
    /// No possible simple key is older than this line or character index; a cheap test
    /// that saves walking the key stack for every token.
    private var earliestKeyLine = Int.max
    private var earliestKeyIndex = Int.max / 2

    init(text: [UInt8], file: String, limits: YAMLLimits, recordsKeys: Bool = false) {
        self.text = text
        self.file = file
        self.maxDepth = limits.maxDepth
        self.maxNodes = limits.maxNodes
        self.recordsKeys = recordsKeys
    }

    /// Refuses alias keys, collection keys, explicit `?` keys, nesting beyond the depth
    /// limit and more nodes than the budget even before aliases expand.
    /// Returns normally for text libyaml itself will reject.
    static func check(_ text: [UInt8], file: String, limits: YAMLLimits) throws(YAMLError) {
        var scanner = YAMLKeyScanner(text: text, file: file, limits: limits)
        do {
            try scanner.scan()
        } catch {
            if case .rejected(let error) = error { throw error }
        }
    }

    /// Every scalar mapping key of the text, in order, up to where libyaml would stop.
    static func scalarKeys(in text: [UInt8], file: String) -> [ScalarKey] {
        recordingScan(text, file: file).recordedKeys.sorted { $0.offset < $1.offset }
    }

    /// Where every mapping key starts, up to where libyaml would stop or a key is refused.
    static func keyLocations(in text: [UInt8], file: String) -> Set<SourceLocation> {
        recordingScan(text, file: file).recordedKeyStarts
    }

    private static func recordingScan(_ text: [UInt8], file: String) -> YAMLKeyScanner {
        let unlimited = YAMLLimits(maxBytes: .max, maxNodes: .max, maxDepth: .max)
        var scanner = YAMLKeyScanner(text: text, file: file, limits: unlimited, recordsKeys: true)
        try? scanner.scan()
        return scanner
    }

    // MARK: - The token loop (yaml_parser_fetch_next_token)

    mutating func scan() throws(Interruption) {
        while true {
            scanToNextToken()
            try staleSimpleKeys()
            unrollIndent(to: mark.column)
            if isEnd(0) { return }
            let char = byte(0)
            closeIndentlessSequence(before: char)
            if mark.column == 0 && char == UInt8(ascii: "%") {
                try fetchDirective()
            } else if isDocumentIndicator() {
                try fetchDocumentIndicator()
            } else if char == UInt8(ascii: "[") || char == UInt8(ascii: "{") {
                try fetchFlowCollectionStart(isMapping: char == UInt8(ascii: "{"))
            } else if char == UInt8(ascii: "]") || char == UInt8(ascii: "}") {
                try fetchFlowCollectionEnd()
            } else if char == UInt8(ascii: ",") {
                try fetchFlowEntry()
            } else if char == UInt8(ascii: "-") && isBlankOrBreakOrEnd(1) {
                try fetchBlockEntry()
            } else if char == UInt8(ascii: "?") && (flowLevel > 0 || isBlankOrBreakOrEnd(1)) {
                throw .rejected(YAMLError(
                    .unsupported,
                    "explicit mapping keys ('?') are not supported; write the key as plain text followed by ':'",
                    at: location(mark)))
            } else if char == UInt8(ascii: ":") && (flowLevel > 0 || isBlankOrBreakOrEnd(1)) {
                try fetchValue()
            } else if char == UInt8(ascii: "*") {
                try fetchAlias()
            } else if char == UInt8(ascii: "&") {
                try fetchAnchor()
            } else if char == UInt8(ascii: "!") {
                try fetchTag()
            } else if (char == UInt8(ascii: "|") || char == UInt8(ascii: ">")) && flowLevel == 0 {
                try fetchBlockScalar()
            } else if char == UInt8(ascii: "'") || char == UInt8(ascii: "\"") {
                try fetchQuotedScalar(quote: char)
            } else if startsPlainScalar(char) {
                try fetchPlainScalar()
            } else {
                // "found character that cannot start any token" (a tab indenting a line, `@`, ...).
                throw .libyamlFails
            }
        }
    }

    /// yaml_parser_scan_to_next_token: spaces, comments and line breaks.
    private mutating func scanToNextToken() {
        while true {
            if mark.column == 0 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF { skip() }
            while byte(0) == UInt8(ascii: " ")
                || ((flowLevel > 0 || !simpleKeyAllowed) && byte(0) == UInt8(ascii: "\t")) {
                skip()
            }
            if byte(0) == UInt8(ascii: "#") {
                while !isBreakOrEnd(0) { skip() }
            }
            guard isBreak(0) else { return }
            skipLine()
            if flowLevel == 0 { simpleKeyAllowed = true }
        }
    }

    // MARK: - Simple keys

    private mutating func staleSimpleKeys() throws(Interruption) {
        guard mark.line > earliestKeyLine || mark.index - 1024 > earliestKeyIndex else { return }
        earliestKeyLine = .max
        earliestKeyIndex = .max / 2
        for level in simpleKeys.indices where simpleKeys[level].possible {
            let key = simpleKeys[level]
            if key.mark.line < mark.line || key.mark.index + 1024 < mark.index {
                if key.required { throw .libyamlFails }
                simpleKeys[level].possible = false
            } else {
                earliestKeyLine = min(earliestKeyLine, key.mark.line)
                earliestKeyIndex = min(earliestKeyIndex, key.mark.index)
            }
        }
    }

    private mutating func saveSimpleKey(_ content: KeyContent) throws(Interruption) {
        guard simpleKeyAllowed else {
            // The node content after an anchor or a tag that started the key.
            let top = simpleKeys.count - 1
            if simpleKeys[top].possible, case .pending = simpleKeys[top].content {
                simpleKeys[top].content = content
            }
            return
        }
        let required = flowLevel == 0 && indent == mark.column
        try removeSimpleKey()
        simpleKeys[simpleKeys.count - 1] = SimpleKey(
            possible: true, required: required, mark: mark, content: content, propertiesBefore: pendingProperties)
        earliestKeyLine = min(earliestKeyLine, mark.line)
        earliestKeyIndex = min(earliestKeyIndex, mark.index)
    }

    private mutating func removeSimpleKey() throws(Interruption) {
        let top = simpleKeys.count - 1
        if simpleKeys[top].possible && simpleKeys[top].required { throw .libyamlFails }
        simpleKeys[top].possible = false
    }

    /// A node's content token at the start of a flow mapping entry is a key.
    private mutating func noteFlowMappingEntry(_ content: KeyContent) throws(Interruption) {
        guard atFlowMappingEntry else { return }
        try checkKey(content, startingAt: pendingProperties ?? mark)
        atFlowMappingEntry = false
    }

    /// A flow mapping entry that ends after an anchor or a tag is a key: an empty scalar.
    private mutating func noteEmptyFlowMappingEntry() {
        guard atFlowMappingEntry, let properties = pendingProperties else { return }
        if recordsKeys { recordedKeyStarts.insert(location(properties)) }
    }

    /// Refuses a key that is not a scalar; records a scalar one.
    private mutating func checkKey(_ content: KeyContent, startingAt start: Mark) throws(Interruption) {
        switch content {
        case .pending:
            if recordsKeys { recordedKeyStarts.insert(location(start)) }
        case .scalar(let key):
            if recordsKeys {
                recordedKeys.insert(key)
                recordedKeyStarts.insert(location(start))
            }
        case .alias(let aliasMark):
            throw .rejected(YAMLError(
                .unsupported,
                "an alias ('*\(anchorName(at: aliasMark.offset + 1))') cannot be used as a mapping key; write the key as plain text",
                at: location(aliasMark)))
        case .collection(let collectionMark):
            throw .rejected(YAMLError(
                .unsupported,
                "mapping keys must be plain text, not a list or a mapping",
                at: location(collectionMark)))
        }
    }

    // MARK: - Indentation and nesting

    private mutating func unrollIndent(to column: Int) {
        guard flowLevel == 0 else { return }
        while indent > column {
            indent = indents.removeLast()
            if blockCollections.removeLast().hasIndentlessSequence { openIndentlessSequences -= 1 }
        }
    }

    /// A block collection starts at `column`; `start` is where it will be reported.
    private mutating func rollIndent(to column: Int, isMapping: Bool, at start: Mark) throws(Interruption) {
        guard flowLevel == 0, indent < column else { return }
        try checkDepth(level: openCollections + 1, at: start)
        try countNode(at: start)
        if indents.count >= Self.certainLibyamlNestingFailure { throw .libyamlFails }
        indents.append(indent)
        blockCollections.append(BlockCollection(isMapping: isMapping))
        indent = column
    }

    /// A `-` at the column of the block mapping around it starts an indentless sequence
    /// as the value of the mapping's last key; any other token at that column ends it.
    private mutating func openIndentlessSequence(at start: Mark) throws(Interruption) {
        guard flowLevel == 0, indent == mark.column, let innermost = blockCollections.last,
              innermost.isMapping, !innermost.hasIndentlessSequence
        else { return }
        try checkDepth(level: openCollections + 1, at: start)
        try countNode(at: start)
        blockCollections[blockCollections.count - 1].hasIndentlessSequence = true
        openIndentlessSequences += 1
    }

    private mutating func closeIndentlessSequence(before char: UInt8) {
        guard flowLevel == 0, mark.column == indent, let innermost = blockCollections.last,
              innermost.hasIndentlessSequence,
              !(char == UInt8(ascii: "-") && isBlankOrBreakOrEnd(1))
        else { return }
        blockCollections[blockCollections.count - 1].hasIndentlessSequence = false
        openIndentlessSequences -= 1
    }

    /// The collections (block and flow) around the current position.
    private var openCollections: Int {
        blockCollections.count + openIndentlessSequences + flowLevel
    }

    /// `level` counts the collections open around a new one, plus itself, as the
    /// converter counts them, so both report the same node.
    private mutating func checkDepth(level: Int, at start: Mark) throws(Interruption) {
        if level > maxDepth {
            throw .rejected(YAMLError(
                .tooDeep,
                "the document nests lists and mappings more than \(maxDepth) levels deep; flatten it",
                at: location(start)))
        }
    }

    private mutating func countNode(at start: Mark) throws(Interruption) {
        nodeCount += 1
        guard nodeCount > maxNodes else { return }
        throw .rejected(YAMLError(
            .tooManyNodes,
            "the document has more than \(maxNodes) nodes; split it into smaller files",
            at: location(start)))
    }

    // MARK: - Fetchers

    private mutating func fetchDirective() throws(Interruption) {
        unrollIndent(to: -1)
        try removeSimpleKey()
        simpleKeyAllowed = false
        pendingProperties = nil
        while !isBreakOrEnd(0) { skip() }
    }

    private mutating func fetchDocumentIndicator() throws(Interruption) {
        unrollIndent(to: -1)
        try removeSimpleKey()
        simpleKeyAllowed = false
        atFlowMappingEntry = false
        pendingProperties = nil
        skip(); skip(); skip()
    }

    private mutating func fetchFlowCollectionStart(isMapping: Bool) throws(Interruption) {
        let start = mark
        try noteFlowMappingEntry(.collection(start))
        try saveSimpleKey(.collection(start))
        let nodeStart = pendingProperties ?? start
        pendingProperties = nil
        try checkDepth(level: openCollections + 1, at: nodeStart)
        try countNode(at: nodeStart)
        if flowLevel >= Self.certainLibyamlNestingFailure { throw .libyamlFails }
        flowLevel += 1
        simpleKeys.append(SimpleKey())
        flowIsMapping.append(isMapping)
        simpleKeyAllowed = true
        atFlowMappingEntry = isMapping
        skip()
    }

    private mutating func fetchFlowCollectionEnd() throws(Interruption) {
        noteEmptyFlowMappingEntry()
        try removeSimpleKey()
        if flowLevel > 0 {
            flowLevel -= 1
            simpleKeys.removeLast()
            flowIsMapping.removeLast()
        }
        simpleKeyAllowed = false
        atFlowMappingEntry = false
        pendingProperties = nil
        skip()
    }

    private mutating func fetchFlowEntry() throws(Interruption) {
        noteEmptyFlowMappingEntry()
        try removeSimpleKey()
        pendingProperties = nil
        simpleKeyAllowed = true
        atFlowMappingEntry = flowIsMapping.last ?? false
        skip()
    }

    private mutating func fetchBlockEntry() throws(Interruption) {
        if flowLevel == 0 {
            guard simpleKeyAllowed else { throw .libyamlFails }
            let nodeStart = pendingProperties ?? mark
            try openIndentlessSequence(at: nodeStart)
            try rollIndent(to: mark.column, isMapping: false, at: nodeStart)
        }
        pendingProperties = nil
        try removeSimpleKey()
        simpleKeyAllowed = true
        atFlowMappingEntry = false
        skip()
    }

    private mutating func fetchValue() throws(Interruption) {
        let top = simpleKeys.count - 1
        let key = simpleKeys[top]
        if key.possible {
            try checkKey(key.content, startingAt: key.mark)
            try rollIndent(to: key.mark.column, isMapping: true, at: key.propertiesBefore ?? key.mark)
            simpleKeys[top].possible = false
            simpleKeyAllowed = false
        } else {
            if flowLevel == 0 {
                guard simpleKeyAllowed else { throw .libyamlFails }
                try rollIndent(to: mark.column, isMapping: true, at: pendingProperties ?? mark)
            }
            simpleKeyAllowed = flowLevel == 0
        }
        pendingProperties = nil
        atFlowMappingEntry = false
        skip()
    }

    private mutating func fetchAlias() throws(Interruption) {
        let start = mark
        try noteFlowMappingEntry(.alias(start))
        try saveSimpleKey(.alias(start))
        pendingProperties = nil
        try countNode(at: start)
        simpleKeyAllowed = false
        try scanAnchorName()
    }

    private mutating func fetchAnchor() throws(Interruption) {
        try saveSimpleKey(.pending)
        pendingProperties = pendingProperties ?? mark
        simpleKeyAllowed = false
        try scanAnchorName()
    }

    /// `&name` or `*name`: letters, digits, `_` and `-`, then a blank or an indicator.
    private mutating func scanAnchorName() throws(Interruption) {
        skip()
        var length = 0
        while isAnchorCharacter(byte(0)) {
            skip()
            length += 1
        }
        guard length > 0, isBlankOrBreakOrEnd(0) || has(byte(0), .endsAnchor) else {
            throw .libyamlFails
        }
    }

    private mutating func fetchTag() throws(Interruption) {
        try saveSimpleKey(.pending)
        pendingProperties = pendingProperties ?? mark
        simpleKeyAllowed = false
        skip()
        if byte(0) == UInt8(ascii: "<") {
            skip()
            while isTagURICharacter(byte(0), verbatim: true) { skip() }
            guard byte(0) == UInt8(ascii: ">") else { throw .libyamlFails }
            skip()
        } else {
            // `!`, `!suffix`, `!handle!suffix`: `!` and letters are URI characters too.
            while isTagURICharacter(byte(0), verbatim: false) { skip() }
        }
        guard isBlankOrBreakOrEnd(0) || (flowLevel > 0 && byte(0) == UInt8(ascii: ",")) else {
            throw .libyamlFails
        }
    }

    /// yaml_parser_scan_block_scalar: `|` or `>`, indicators, then the lines indented
    /// deeper than the enclosing block collection.
    private mutating func fetchBlockScalar() throws(Interruption) {
        try removeSimpleKey()
        try countNode(at: pendingProperties ?? mark)
        pendingProperties = nil
        simpleKeyAllowed = true
        atFlowMappingEntry = false
        skip()
        var increment = 0
        if byte(0) == UInt8(ascii: "+") || byte(0) == UInt8(ascii: "-") {
            skip()
            if isDigit(byte(0)) {
                guard byte(0) != UInt8(ascii: "0") else { throw .libyamlFails }
                increment = Int(byte(0) - UInt8(ascii: "0"))
                skip()
            }
        } else if isDigit(byte(0)) {
            guard byte(0) != UInt8(ascii: "0") else { throw .libyamlFails }
            increment = Int(byte(0) - UInt8(ascii: "0"))
            skip()
            if byte(0) == UInt8(ascii: "+") || byte(0) == UInt8(ascii: "-") { skip() }
        }
        while isBlank(0) { skip() }
        if byte(0) == UInt8(ascii: "#") {
            while !isBreakOrEnd(0) { skip() }
        }
        guard isBreakOrEnd(0) else { throw .libyamlFails }
        if isBreak(0) { skipLine() }

        var blockIndent = 0
        if increment > 0 {
            blockIndent = indent >= 0 ? indent + increment : increment
        }
        try scanBlockScalarBreaks(indent: &blockIndent)
        while mark.column == blockIndent && !isEnd(0) {
            while !isBreakOrEnd(0) { skip() }
            if isBreak(0) { skipLine() }
            try scanBlockScalarBreaks(indent: &blockIndent)
        }
    }

    private mutating func scanBlockScalarBreaks(indent blockIndent: inout Int) throws(Interruption) {
        var maxIndent = 0
        while true {
            while (blockIndent == 0 || mark.column < blockIndent) && byte(0) == UInt8(ascii: " ") { skip() }
            maxIndent = max(maxIndent, mark.column)
            if (blockIndent == 0 || mark.column < blockIndent) && byte(0) == UInt8(ascii: "\t") {
                throw .libyamlFails
            }
            guard isBreak(0) else { break }
            skipLine()
        }
        if blockIndent == 0 {
            blockIndent = max(maxIndent, indent + 1, 1)
        }
    }

    /// yaml_parser_scan_flow_scalar: `'...'` (with `''`) or `"..."` (with escapes), over
    /// any number of lines.
    private mutating func fetchQuotedScalar(quote: UInt8) throws(Interruption) {
        let content = KeyContent.scalar(ScalarKey(offset: mark.offset, line: mark.line, column: mark.column, quote: quote))
        try noteFlowMappingEntry(content)
        try saveSimpleKey(content)
        try countNode(at: pendingProperties ?? mark)
        pendingProperties = nil
        simpleKeyAllowed = false
        let single = quote == UInt8(ascii: "'")
        skip()
        while true {
            if isDocumentIndicator() || isEnd(0) { throw .libyamlFails }
            while !isBlankOrBreakOrEnd(0) {
                if single && byte(0) == quote && byte(1) == quote {
                    skip(); skip()
                } else if byte(0) == quote {
                    break
                } else if !single && byte(0) == UInt8(ascii: "\\") && isBreak(1) {
                    skip()
                    skipLine()
                    break
                } else if !single && byte(0) == UInt8(ascii: "\\") {
                    try skipEscape()
                } else {
                    skip()
                }
            }
            if byte(0) == quote { break }
            while isBlank(0) || isBreak(0) {
                if isBlank(0) { skip() } else { skipLine() }
            }
        }
        skip()
    }

    private mutating func skipEscape() throws(Interruption) {
        let codeLength: Int
        switch byte(1) {
        case UInt8(ascii: "x"): codeLength = 2
        case UInt8(ascii: "u"): codeLength = 4
        case UInt8(ascii: "U"): codeLength = 8
        default:
            guard has(byte(1), .escape) else { throw .libyamlFails }
            codeLength = 0
        }
        skip(); skip()
        guard codeLength > 0 else { return }
        var value: UInt32 = 0
        for offset in 0..<codeLength {
            guard let digit = hexValue(byte(offset)) else { throw .libyamlFails }
            value = value << 4 + digit
        }
        if (0xD800...0xDFFF).contains(value) || value > 0x10FFFF { throw .libyamlFails }
        for _ in 0..<codeLength { skip() }
    }

    /// yaml_parser_scan_plain_scalar: words and the blanks between them, continuing onto
    /// lines indented deeper than the enclosing block collection.
    private mutating func fetchPlainScalar() throws(Interruption) {
        let content = KeyContent.scalar(ScalarKey(offset: mark.offset, line: mark.line, column: mark.column, quote: nil))
        try noteFlowMappingEntry(content)
        try saveSimpleKey(content)
        try countNode(at: pendingProperties ?? mark)
        pendingProperties = nil
        simpleKeyAllowed = false
        var leadingBlanks = false
        let plainIndent = indent + 1
        while true {
            if isDocumentIndicator() || byte(0) == UInt8(ascii: "#") { break }
            while !isBlankOrBreakOrEnd(0) {
                if flowLevel > 0 && byte(0) == UInt8(ascii: ":") && has(byte(1), .flowIndicatorOrQuestion) {
                    throw .libyamlFails
                }
                if (byte(0) == UInt8(ascii: ":") && isBlankOrBreakOrEnd(1))
                    || (flowLevel > 0 && has(byte(0), .flowIndicator)) {
                    break
                }
                leadingBlanks = false
                skip()
            }
            guard isBlank(0) || isBreak(0) else { break }
            while isBlank(0) || isBreak(0) {
                if isBlank(0) {
                    if leadingBlanks && mark.column < plainIndent && byte(0) == UInt8(ascii: "\t") {
                        throw .libyamlFails
                    }
                    skip()
                } else {
                    skipLine()
                    leadingBlanks = true
                }
            }
            if flowLevel == 0 && mark.column < plainIndent { break }
        }
        if leadingBlanks { simpleKeyAllowed = true }
    }

    private func startsPlainScalar(_ char: UInt8) -> Bool {
        if !(isBlankOrBreakOrEnd(0) || has(char, .indicator)) { return true }
        if char == UInt8(ascii: "-") && !isBlank(1) { return true }
        return flowLevel == 0 && (char == UInt8(ascii: "?") || char == UInt8(ascii: ":")) && !isBlankOrBreakOrEnd(1)
    }

    // MARK: - Characters

    /// The byte `ahead` bytes past the cursor; 0 past the end (the text holds no NUL).
    private func byte(_ ahead: Int) -> UInt8 {
        let index = mark.offset + ahead
        return index < text.count ? text[index] : 0
    }

    private func isEnd(_ ahead: Int) -> Bool { mark.offset + ahead >= text.count }
    private func isBlank(_ ahead: Int) -> Bool { byte(ahead) == UInt8(ascii: " ") || byte(ahead) == UInt8(ascii: "\t") }
    private func isBreak(_ ahead: Int) -> Bool { YAMLTextCheck.lineBreakWidth(text, at: mark.offset + ahead) > 0 }
    private func isBreakOrEnd(_ ahead: Int) -> Bool { isBreak(ahead) || isEnd(ahead) }
    private func isBlankOrBreakOrEnd(_ ahead: Int) -> Bool { isBlank(ahead) || isBreakOrEnd(ahead) }

    private func isDocumentIndicator() -> Bool {
        guard mark.column == 0 else { return false }
        let char = byte(0)
        return (char == UInt8(ascii: "-") || char == UInt8(ascii: "."))
            && byte(1) == char && byte(2) == char && isBlankOrBreakOrEnd(3)
    }

    private func isDigit(_ char: UInt8) -> Bool { char >= UInt8(ascii: "0") && char <= UInt8(ascii: "9") }

    private func isAnchorCharacter(_ char: UInt8) -> Bool { has(char, .anchor) }

    private func isTagURICharacter(_ char: UInt8, verbatim: Bool) -> Bool {
        has(char, .tagURI) || (verbatim && has(char, .verbatimTagURI))
    }

    /// Character classes of ASCII bytes, looked up instead of compared one by one: the
    /// scanner tests every character of the file several times.
    private struct CharacterClass: OptionSet {
        let rawValue: UInt16
        /// Characters a plain scalar cannot start with (some can, when followed by a non-blank).
        static let indicator = CharacterClass(rawValue: 1 << 0)
        static let flowIndicator = CharacterClass(rawValue: 1 << 1)
        static let flowIndicatorOrQuestion = CharacterClass(rawValue: 1 << 2)
        static let anchor = CharacterClass(rawValue: 1 << 3)
        static let endsAnchor = CharacterClass(rawValue: 1 << 4)
        static let tagURI = CharacterClass(rawValue: 1 << 5)
        static let verbatimTagURI = CharacterClass(rawValue: 1 << 6)
        static let escape = CharacterClass(rawValue: 1 << 7)

        static let table: [CharacterClass] = {
            var table = [CharacterClass](repeating: [], count: 256)
            func add(_ characters: String, _ member: CharacterClass) {
                for byte in characters.utf8 { table[Int(byte)].insert(member) }
            }
            let anchorCharacters = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
            add("-?:,[]{}#&*!|>'\"%@`", .indicator)
            add(",[]{}", .flowIndicator)
            add(",?[]{}", .flowIndicatorOrQuestion)
            add(anchorCharacters, .anchor)
            add("?:,]}%@`", .endsAnchor)
            add(anchorCharacters + ";/?:@&=+$.%!~*'()", .tagURI)
            add(",[]", .verbatimTagURI)
            add("0abt\tnvfre \"/\\N_LP", .escape)
            return table
        }()
    }

    private func has(_ char: UInt8, _ member: CharacterClass) -> Bool {
        Self.classTable[Int(char)].contains(member)
    }

    private static let classTable = CharacterClass.table

    private func hexValue(_ char: UInt8) -> UInt32? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(char - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(char - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(char - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// Moves past one character.
    private mutating func skip() {
        guard mark.offset < text.count else { return }
        let lead = text[mark.offset]
        let width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        mark.offset = min(mark.offset + width, text.count)
        mark.column += 1
        mark.index += 1
    }

    /// Moves past one line break.
    private mutating func skipLine() {
        let width = YAMLTextCheck.lineBreakWidth(text, at: mark.offset)
        guard width > 0 else { return }
        mark.index += byte(0) == 0x0D && width == 2 ? 2 : 1
        mark.offset += width
        mark.column = 0
        mark.line += 1
    }

    private func anchorName(at offset: Int) -> String {
        var end = offset
        while end < text.count && isAnchorCharacter(text[end]) { end += 1 }
        return String(decoding: text[offset..<end], as: UTF8.self)
    }

    private func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
    }
}
