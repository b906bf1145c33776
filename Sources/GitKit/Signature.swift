import Foundation

/// Who made a commit (author) or recorded it (committer), and when.
public struct Signature: Sendable, Hashable {
    /// The name, as written in the commit (`user.name`).
    public var name: String
    /// The e-mail address, without angle brackets (`user.email`).
    public var email: String
    /// The instant of the signature.
    public var time: Date
    /// The signer's offset from UTC in minutes, e.g. 120 for `+0200`, -300 for `-0500`.
    public var offsetMinutes: Int

    /// Creates a signature.
    public init(name: String, email: String, time: Date, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}
