/// Why bytes that should hold an SSH key or signature do not; `reason` is shown to the user.
struct SSHFormatError: Error, Sendable, Hashable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
