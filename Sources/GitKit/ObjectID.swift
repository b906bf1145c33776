/// The identity of a git object: the 40-character lowercase hexadecimal SHA-1 name
/// that `git rev-parse` prints.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The full id, 40 lowercase hexadecimal characters.
    public let hex: String

    /// The first seven characters, as `git log --oneline` abbreviates ids.
    public var short: String { String(hex.prefix(7)) }

    /// Creates an id from its hexadecimal spelling.
    ///
    /// Upper-case digits are accepted and normalized to lower case.
    /// Returns `nil` unless `hex` is exactly 40 hexadecimal characters.
    public init?(hex: String) {
        let utf8 = hex.utf8
        guard utf8.count == 40, utf8.allSatisfy(ObjectID.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    /// The full hexadecimal id.
    public var description: String { hex }

    /// Orders ids by their hexadecimal spelling, which is also the order of their raw bytes.
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.hex < rhs.hex
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "a")...UInt8(ascii: "f"),
             UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }

    /// Builds an id from already-validated lowercase hex (used when converting libgit2's binary ids).
    init(validatedHex: String) {
        self.hex = validatedHex
    }
}
