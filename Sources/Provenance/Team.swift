import Foundation
import Documents
import Policy

/// The people who may approve, and how their identity is proved: the members of the
/// trusted Team documents, with their signing keys parsed. Identity is the key; e-mails
/// are checked for consistency only.
public struct Team: Sendable {
    public struct Member: Sendable, Hashable {
        public var id: String
        public var name: String
        public var emails: [String]
        public var keys: [SSHPublicKey]
        /// GPG fingerprints listed in signingKeys: recorded, but GPG signatures are not verified.
        public var gpgFingerprints: [String]
        public var roles: [String]
        /// The keys written as `{key: …, expires: …}`: the RFC 3339 time after which the key
        /// verifies no attestation (`policy verify-attestation`).
        public var keyExpiry: [SSHPublicKey: String] = [:]

        public func holds(_ role: String) -> Bool { roles.contains(role) }

        /// When `key` expires (nil: it does not), as written in the Team.
        public func expiry(of key: SSHPublicKey) -> String? {
            keyExpiry.first { $0.key.wireFormat == key.wireFormat }?.value
        }
    }

    public var members: [Member]

    public init(members: [Member]) {
        self.members = members
    }

    /// Reads every Team document; an unparsable key, a member defined twice or a key listed
    /// for two members is a problem of trusted data (the caller stops with exit 2).
    public static func load(_ documents: [Document]) -> (Team, [Diagnostic]) {
        var members: [Member] = []
        var problems: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        var keyOwners: [[UInt8]: (id: String, location: SourceLocation)] = [:]
        for document in documents where document.kind == .team {
            for item in document.spec["members"]?.list ?? [] {
                guard let id = item["id"]?.string else { continue }
                let location = item["id"]?.location ?? item.location
                if let first = seen[id] {
                    problems.append(Diagnostic(.duplicateName, "Team member '\(id)' is defined twice", at: location,
                                               notes: [.init("first defined here", at: first)]))
                    continue
                }
                seen[id] = location
                var keys: [SSHPublicKey] = []
                var fingerprints: [String] = []
                var expiry: [SSHPublicKey: String] = [:]
                for entry in item["signingKeys"]?.list ?? [] {
                    // An entry is the key's text, or {key: …, expires: …} (schema-checked).
                    let keyValue = entry.map == nil ? entry : entry["key"] ?? entry
                    guard let text = keyValue.string else { continue }
                    let expires = entry.map == nil ? nil : entry["expires"]?.string
                    let compact = text.replacingOccurrences(of: " ", with: "")
                    if compact.count == 40, compact.allSatisfy(\.isHexDigit) {
                        fingerprints.append(compact.uppercased())
                    } else if let key = SSHPublicKey(openSSH: text) {
                        // A key is one member's identity: a key two members list signs for
                        // both, and a commit it signs could be attributed to either (a person
                        // passing as the pipeline). Refused, never attributed by listing order.
                        if let owner = keyOwners[key.wireFormat], owner.id != id {
                            problems.append(Diagnostic(.duplicateName,
                                "signing key \(key.fingerprint) of '\(id)' is also a signing key of '\(owner.id)': a key proves one member, so a commit it signs could not be attributed; give each member their own key",
                                at: keyValue.location, notes: [.init("listed for '\(owner.id)' here", at: owner.location)]))
                        } else if keyOwners[key.wireFormat] == nil {
                            keyOwners[key.wireFormat] = (id, keyValue.location)
                        }
                        keys.append(key)
                        // The same key written twice with two expiries: the earlier one is
                        // the key's (fail closed), whatever the order of the entries.
                        if let expires, !(expiry[key].map { Self.isEarlier($0, than: expires) } ?? false) {
                            expiry[key] = expires
                        }
                    } else {
                        problems.append(Diagnostic(.schema,
                            "signing key of '\(id)' is neither an OpenSSH public key ('ssh-ed25519 AAAA… comment') nor a 40-hex GPG fingerprint",
                            at: keyValue.location))
                    }
                }
                members.append(Member(
                    id: id, name: item["name"]?.string ?? id,
                    emails: (item["emails"]?.list ?? []).compactMap(\.string).map { $0.lowercased() },
                    keys: keys, gpgFingerprints: fingerprints,
                    roles: (item["roles"]?.list ?? []).compactMap(\.string), keyExpiry: expiry))
            }
        }
        return (Team(members: members), problems)
    }

    /// Whether expiry `a` comes no later than `b`; an unreadable one counts as the earliest.
    static func isEarlier(_ a: String, than b: String) -> Bool {
        (RFC3339.parse(a) ?? .distantPast) <= (RFC3339.parse(b) ?? .distantPast)
    }

    public func member(_ id: String) -> Member? {
        members.first { $0.id == id }
    }

    public func member(email: String) -> Member? {
        let lowered = email.lowercased()
        return members.first { $0.emails.contains(lowered) }
    }

    public func member(holding key: SSHPublicKey) -> Member? {
        members.first { $0.keys.contains { $0.wireFormat == key.wireFormat } }
    }

    public var allKeys: [SSHPublicKey] { members.flatMap(\.keys) }
}
