import Foundation
import Provenance

/// The person running `policy init`, as their git configuration describes them: the first
/// member of the Team template.
public struct GitUser: Sendable, Equatable {
    public var name: String?
    public var email: String?
    /// `user.signingkey` as configured (a path, `key::…` or a literal key), nil when unset.
    public var configuredSigningKey: String?
    /// The SSH public key that `user.signingkey` names, when it names one that can be read.
    public var signingKey: SSHPublicKey?

    public init(name: String?, email: String?, configuredSigningKey: String?, signingKey: SSHPublicKey?) {
        self.name = name
        self.email = email
        self.configuredSigningKey = configuredSigningKey
        self.signingKey = signingKey
    }

    /// Reads `user.name`, `user.email` and `user.signingkey` with the git CLI, so that every
    /// level of git configuration (repository, global, includes) counts as git would count it.
    static func fromConfiguration(_ git: GitCommandLine) -> GitUser {
        let configured = git.config("user.signingkey")
        return GitUser(name: git.config("user.name"), email: git.config("user.email"),
                       configuredSigningKey: configured, signingKey: configured.flatMap(publicKey))
    }

    /// The public key `user.signingkey` stands for: `key::ssh-ed25519 AAAA…`, a literal key, the
    /// path of a public key, or the path of a private key whose `.pub` lies beside it (as
    /// ssh-keygen writes them). A GPG key id or an unreadable file gives nil.
    static func publicKey(_ configured: String) -> SSHPublicKey? {
        if let key = ApproveUseCase.publicKey(configured) { return key }
        let path = (configured as NSString).expandingTildeInPath
        if path.hasSuffix(".pub") { return nil }
        // A private key without a .pub beside it: ssh-keygen derives the public half
        // (it fails without prompting when the key has a passphrase: stdin is not a terminal).
        guard FileManager.default.isReadableFile(atPath: path),
              let text = try? SSHKeygen.publicKey(ofPrivateKey: path) else { return nil }
        return SSHPublicKey(openSSH: text)
    }

    /// The Team member id: the e-mail's local part (else the name) in the name pattern
    /// `[a-z0-9][a-z0-9._-]*`: lowercased, other characters as `-`, no leading or trailing
    /// punctuation. `me` when nothing is left.
    public var memberID: String {
        let local = email.flatMap { $0.split(separator: "@").first.map(String.init) }
        for candidate in [local, name].compactMap({ $0 }) {
            let id = GitUser.sanitizedName(candidate)
            if !id.isEmpty { return id }
        }
        return "me"
    }

    static func sanitizedName(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            let allowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_" || scalar == "-"
            let character: Character = allowed ? Character(scalar) : "-"
            if character == "-", result.last == "-" { continue }
            result.append(character)
        }
        let punctuation = CharacterSet(charactersIn: "._-")
        return result.trimmingCharacters(in: punctuation)
    }
}
