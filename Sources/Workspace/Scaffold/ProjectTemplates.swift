import Documents
import Policy

/// The files `policy init` writes, as text. Tollgate documents start with their schema
/// comment; values that come from the user's configuration are written as double-quoted
/// scalars, so no name or e-mail can change the YAML's structure.
enum ProjectTemplates {
    /// Where Tollgate is published, as GitHub's owner/name: the one place that names it. The
    /// hook repository of `.pre-commit-config.yaml` and the GitHub Action of the workflow
    /// (`<repository>/action@v<version>`) come from it; the action itself reads its repository
    /// from the runner and has the same value as its only default (action/install-release.sh),
    /// and the docs show it — ActionInstallTests holds them all equal to this.
    static let toolRepository = ToolIdentity.repository

    static var toolRepositoryURL: String { ToolIdentity.url }

    /// The major versions the workflow pins: checkout (full history) and the SARIF upload.
    static let checkoutAction = "actions/checkout@v7"
    static let uploadSARIFAction = "github/codeql-action/upload-sarif@v4"

    /// `.tollgate.yaml`: the Config with the defaults of SPEC §1 written out, so that each
    /// setting is visible where it is changed.
    static let config = """
        \(SchemaComment.line(forKind: "Config", at: ProjectConfig.fileName))
        # Tollgate configuration. Paths are relative to this file's directory.
        apiVersion: tollgate/v1
        kind: Config
        metadata:
          name: tollgate
        spec:
          policies: [policies/]                  # where Policy, Team and PolicyTest documents live
          include: ["**/*.yaml", "**/*.yml"]     # where the other documents are looked for
          exclude: []
          stages: [development, staging, production, retired]
          protect:                               # changes need commits signed by a member holding the role (checked with --base)
            - {paths: ["policies/**", ".tollgate.yaml"], role: policy-owner}
          waivers: {approvals: 1, role: policy-owner}

        """

    /// `policies/team.yaml` with the user as its first member.
    static func team(for user: GitUser, at path: String) -> String {
        let id = user.memberID
        let email = user.email ?? "\(id)@example.com"
        var lines = [
            SchemaComment.line(forKind: "Team", at: path),
            "# Who may approve, and the keys that prove it: an Approval counts only when the commit",
            "# that adds it is signed with a key listed here for its approver. Add every member with",
            "# their SSH public key (the contents of ~/.ssh/id_ed25519.pub) and their roles, e.g.",
            "# approver, rai-reviewer, policy-owner. This file is trusted data: review changes to it",
            "# like changes to the policies.",
            "apiVersion: tollgate/v1",
            "kind: Team",
            "metadata:",
            "  name: team",
            "spec:",
            "  members:",
            "    - id: \(id)",
            "      name: \(quoted(user.name ?? id))",
        ]
        if user.email == nil {
            lines.append("      # git config user.email is not set: replace this address with yours")
        }
        lines.append("      emails: [\(quoted(email))]")
        if let key = user.signingKey {
            lines.append("      signingKeys: [\(quoted(key.openSSHLine))]")
        } else {
            if let configured = user.configuredSigningKey {
                lines.append("      # user.signingkey (\(configured)) is not an SSH public key Tollgate can read:")
            } else {
                lines.append("      # no user.signingkey is configured:")
            }
            lines.append("      # add your SSH public key here, e.g. \"ssh-ed25519 AAAA… \(email)\"")
            lines.append("      signingKeys: []")
        }
        lines.append("      roles: [approver, policy-owner]")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `.github/workflows/tollgate.yml`: the gate on every pull request, with the SARIF report
    /// uploaded to code scanning; on pushes to the branch, the verdict of the pushed commit
    /// recorded in `refs/notes/tollgate` and pushed, by a job that alone may write.
    static func workflow(version: String, branch: String) -> String {
        """
        # Tollgate: the release gate for the models in this repository (written by `policy init`).
        # Every pull request is checked against the policies of its base; a block fails the job.
        # Every push to the branch below is checked too, and its verdict is recorded in git notes
        # (refs/notes/tollgate, read by `policy audit`) and pushed: only that job may write.
        name: tollgate

        on:
          pull_request:
          push:
            branches: [\(quoted(branch))]

        permissions:
          contents: read

        jobs:
          gate:
            name: policy check
            if: github.event_name == 'pull_request'
            runs-on: ubuntu-latest
            permissions:
              contents: read
              security-events: write   # upload the SARIF report to code scanning
            steps:
              - uses: \(checkoutAction)
                with:
                  fetch-depth: 0   # approvals, merges and protected paths are read from history; shallow clones are refused
              - id: tollgate
                uses: \(toolRepository)/action@v\(version)
                with:
                  formats: text sarif=tollgate.sarif
              - name: Upload the findings to code scanning
                if: always() && steps.tollgate.outputs.sarif != ''
                uses: \(uploadSARIFAction)
                with:
                  sarif_file: ${{ steps.tollgate.outputs.sarif }}
                  category: tollgate

          record:
            name: policy check --record
            if: github.event_name == 'push'
            runs-on: ubuntu-latest
            permissions:
              contents: write          # push refs/notes/tollgate
              security-events: write   # upload the SARIF report to code scanning
            concurrency:
              group: tollgate-record   # one writer of refs/notes/tollgate at a time
              cancel-in-progress: false
            steps:
              - uses: \(checkoutAction)
                with:
                  fetch-depth: 0
              - name: Fetch the recorded verdicts
                shell: bash
                run: |
                  if git ls-remote --exit-code origin refs/notes/tollgate >/dev/null; then
                    git fetch --no-tags origin "+refs/notes/tollgate:refs/notes/tollgate"
                  fi
              - id: tollgate
                uses: \(toolRepository)/action@v\(version)
                with:
                  formats: text sarif=tollgate.sarif
                  args: --record
              - name: Upload the findings to code scanning
                if: always() && steps.tollgate.outputs.sarif != ''
                uses: \(uploadSARIFAction)
                with:
                  sarif_file: ${{ steps.tollgate.outputs.sarif }}
                  category: tollgate
              - name: Push the recorded verdict
                if: always() && (steps.tollgate.outputs.exit-code == '0' || steps.tollgate.outputs.exit-code == '1')
                shell: bash
                run: git push origin refs/notes/tollgate

        """
    }

    /// The entry of `.pre-commit-config.yaml`'s `repos:` list.
    static func preCommitEntry(version: String) -> String {
        """
          - repo: \(toolRepositoryURL)
            rev: v\(version)
            hooks:
              - id: policy-check

        """
    }

    /// `.pre-commit-config.yaml` holding only Tollgate's hook.
    static func preCommitConfig(version: String) -> String {
        """
        # pre-commit hooks (https://pre-commit.com): run `pre-commit install` once in each clone.
        # policy-check runs `policy check --staged`: a commit whose documents block is refused.
        # It builds Tollgate with Swift 6 (and libgit2-dev) once per version; where `policy` is
        # installed (the release binary on PATH), use the hook id policy-check-system instead.
        # pre-commit.ci can run neither (no Swift, no network at run time): add
        # `ci: {skip: [policy-check]}` there and let the GitHub workflow gate the pull request.
        repos:

        """ + preCommitEntry(version: version)
    }

    static func quoted(_ text: String) -> String {
        var result = ""
        CanonicalJSON.writeString(text, to: &result)
        return result
    }
}
