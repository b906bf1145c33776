/// A pattern that is not valid RE2 syntax, or uses what RE2 leaves out on purpose
/// (backreferences, look-around), or compiles to too large a program.
struct RegexError: Error, Sendable, Hashable {
    var message: String
}
