internal import CLibGit2

extension Repository {
    /// A configuration value as git resolves it for this repository (its own config, the
    /// user's, the system's), or nil when unset or unreadable. Read once per call from a
    /// snapshot, so a value is never half-written.
    public func configValue(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, handle.pointer) == 0, let config else {
            git_error_clear()
            return nil
        }
        defer { git_config_free(config) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_config_get_string_buf(&buffer, config, key) == 0, let pointer = buffer.ptr else {
            git_error_clear()
            return nil
        }
        let value = String(cString: pointer)
        return value.isEmpty ? nil : value
    }
}
