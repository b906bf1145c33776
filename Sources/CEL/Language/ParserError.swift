/// A CEL expression that does not follow the grammar, or that is longer or deeper than the
/// limits allow (`isLimit`).
struct ParserError: Error, Sendable, Hashable {
    var message: String
    var position: SourcePosition
    var isLimit = false
}

extension CELError {
    init(_ error: ParserError) {
        self.init(kind: error.isLimit ? .limit : .parse, message: error.message, position: error.position)
    }
}
