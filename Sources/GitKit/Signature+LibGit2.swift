import Foundation
internal import CLibGit2

extension Signature {
    /// Copies a borrowed `git_signature`; the pointer must be valid for the duration of the call.
    init(_ signature: UnsafePointer<git_signature>?) {
        guard let signature else {
            self.init(name: "", email: "", time: Date(timeIntervalSince1970: 0), offsetMinutes: 0)
            return
        }
        let value = signature.pointee
        self.init(
            name: String(gitString: value.name),
            email: String(gitString: value.email),
            time: Date(timeIntervalSince1970: TimeInterval(value.when.time)),
            offsetMinutes: Int(value.when.offset)
        )
    }
}
