/// Where Tollgate is published, named once: the GitHub repository of the Action, the hooks
/// (`.pre-commit-hooks.yaml`), the release binaries and the SARIF driver's `informationUri`.
/// A fork that publishes itself changes this line (and `default_repository` in
/// `action/install-release.sh`, which `ActionInstallTests` holds to it).
public enum ToolIdentity {
    /// `owner/name` on GitHub.
    public static let repository = "tollgate-dev/tollgate"

    /// `https://github.com/owner/name`.
    public static var url: String { "https://github.com/" + repository }
}
