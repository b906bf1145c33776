import Documents

/// The reference of every check (`docs/policies.md`), rendered from the checks' own
/// keyword, summary, schema and examples, so the documentation cannot drift from the code.
/// A test compares the committed file with this output (`TOLLGATE_UPDATE_DOCS=1` rewrites it).
public enum PolicyReference {
    public static func markdown() -> String {
        var out = """
            # Policy reference

            <!-- Generated from the checks' own descriptions (Sources/Policy/Checks/*.swift) by
                 PolicyReference.markdown(); do not edit by hand. Regenerate with
                 TOLLGATE_UPDATE_DOCS=1 swift test --filter PolicyReferenceTests -->

            A policy matches subjects and holds rules; each rule has an `id`, an optional
            `description`, `enforcement` (block | warn, default the policy's), `runbook`, `tags`
            (compliance tags such as `soc2:CC8.1`, carried to every output) and exactly one check.
            Findings are named `<policy>/<rule>`.

            ```yaml
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: release-gate}
            spec:
              description: SLO gate for production promotions
              match: {kinds: [PromotionRequest], to: [production], models: ["*"]}
              enforcement: block
              tags: [soc2:CC8.1]
              rules:
                - id: p95-latency
                  threshold: {value: run.spec.serving.p95Ms, max: 25, unit: ms}
                  runbook: docs/runbooks/latency-regression.md
            ```

            ## Conventions

            - **Names a rule can read.** For a PromotionRequest: `request`, `run` (its
              RunManifest), `card` (its ModelCard), `baseline` (`spec.baseline`, or the run of the
              model's latest production promotion merged into the branch), `teacher` (the teacher's
              RunManifest or ModelCard), `incidents`, `approvals`. A ModelCard or RunManifest binds
              `card` / `run` and what they reference. Every subject binds `subject`.
            - **Bounds are inclusive**, as in MLflow's `MetricThreshold`: `max: 25` passes at
              exactly 25. Figures computed by subtraction or division (gaps, ratios, burn rates,
              PSI) are compared with a tolerance of 1e-9 relative to the bound, so a figure equal
              to the bound as written passes.
            - **Missing data fails closed**: a rule whose input is absent blocks (or warns, per its
              enforcement) with a message naming the missing path.
            - **Not applicable is said once, not failed.** A rule about something the subject is
              not — `distillation` for a run that names no teacher ("run names no teacher: not a
              distilled model"), `regression` for a model's first production release ("first
              release of this model, no champion") — passes with that reason. Every report says
              so: a line `n/a  <rule> — <reason>` in the text report, `notApplicable` on the rule
              in JSON, a skipped test in JUnit, a "Not applicable" list in Markdown, `N/A` in
              `policy explain`; SARIF, which holds problems, leaves it out. A PolicyTest case
              expects it with `result: notApplicable` (`result: pass` expects a rule that applies
              and holds). Missing data for a rule that does apply still fails closed: a teacher
              named but not found, a baseline named but missing, no history to look for the
              champion in. `regression: {requireBaseline: true}` makes a first release fail
              closed too.
            - **Runbooks are files of the checked repository.** A rule's `runbook` (a relative
              path) is linked from its findings only when the file exists in the revision
              checked (a symbolic link is not a file, in any mode); a URL (`https://…`) is
              linked as written, never checked; otherwise the findings show no runbook and one warning of rule
              `policy/runbook`, located at the rule's `runbook:` in the policy file, names the
              missing file and the rules that link it. `policy init` writes the runbooks of the
              pack it writes.
            - **Messages** state the observed value, the bound and where the value came from;
              a note points at the bound in the policy file.
            - **Ratios point Fairlearn's way**: min/max (or slice/reference), at most 1. The
              four-fifths rule is `minRatio: 0.8`. `slices` with `against: best` reports
              Fairlearn's `MetricFrame.difference(method="between_groups")` and
              `ratio(method="between_groups")`; with `against: overall` the `to_overall` ones.
            - **PSI** is Σ (cur − ref) · ln(cur / ref) over the bins' shares, a zero share replaced
              by 1e-4 (Evidently's convention); **KS** is the largest gap between the two
              cumulative shares.
            - **`regression`** maps to MLflow's `MetricThreshold(min_absolute_change=…)` /
              `min_relative_change` with the sign turned into an allowed drop: `maxDrop: 0.01`
              is `min_absolute_change=-0.01` for a metric where greater is better.
            - **Error-budget burn** is errorRate / (1 − objective): 1.0 spends the budget exactly
              over the window.

            ## The default pack and `policy init --profile`

            The tool's `policies/*.yaml` are the default pack; `policy init` writes the files of a
            profile (default `standard`), the runbooks their rules link (`docs/runbooks/`) and a
            starter test, `policies/tests/starter/<profile>.yaml`, with the complete example model
            it reads (`policies/tests/starter/example/`), so `policy test policies/tests` passes
            right after init. A profile only selects files: each rule has one source.

            | profile | policy files | what it gates |
            | --- | --- | --- |
            | `minimal` | `rai`, `release-gate`, `approvals` | model card documentation (staging, production); serving SLOs and two signed, independent approvals (production) |
            | `standard` | minimal + `fairness`, `lifecycle` | + evaluation slices for every sensitive feature the card declares, no group left behind; the stage graph, the champion regression (not applicable to a first release), the distillation gap (not applicable without a teacher) |
            | `strict` | standard + `lineage`, `drift`, `canary`, `incidents` | + a reproducible run whose model card names its teacher and training data, no input drift, a canary plan with automatic rollback, no open SEV1/SEV2 incident |

            The pack holds no domain's constants: the fairness slices are required for the
            features the model card declares in `spec.fairness.sensitiveFeatures`
            (`slices: {requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}`). A card that
            declares none is missing documentation and blocks, located at the card; an empty list
            declares that the model has no sensitive feature.

            The strict pack's `lineage/reproducible-run` requires what every run and card can
            hold (`seed`, `datasetVersion`, `codeCommit`, `environmentDigest`, `artifacts`,
            `teacher`, `card`). `datasetChecksum`, `configFile` and `cardSize` read optional
            fields (`run.spec.dataset.sha256`, `run.spec.config.file`, `card.spec.sizeMB`) and
            so are left to the policies of teams that record them.


            """
        out += "## Checks\n\n"
        out += "| check | what it decides |\n| --- | --- |\n"
        for check in CheckRegistry.all {
            let first = check.summary.components(separatedBy: ". ").first ?? check.summary
            let sentence = first.hasSuffix(".") ? first : first + "."
            out += "| [`\(check.keyword)`](#\(check.keyword.lowercased())) | \(sentence.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        for check in CheckRegistry.all {
            out += "\n### \(check.keyword)\n\n\(check.summary)\n\n"
            out += "| field | type | required | meaning |\n| --- | --- | --- | --- |\n"
            for field in check.schema.fields {
                out += "| `\(field.name)` | \(typeName(field.type)) | \(field.required ? "yes" : "no") | \(field.summary) |\n"
            }
            let examples = check.examples
            if !examples.isEmpty {
                out += "\nExamples (each is run by the test suite):\n\n"
                for example in examples {
                    let verdict = example.notApplicable ? "is not applicable" : example.expect == .pass ? "passes" : "blocks"
                    let message = example.message.map { " — “…\($0)…”" } ?? ""
                    out += "- \(example.title): `\(check.keyword): \(example.check)` \(verdict)\(message)\n"
                }
            } else {
                out += "\nThis check reads the git history; its scenarios are tested on real repositories with real signatures (see docs/approvals.md).\n"
            }
        }
        return out
    }

    static func typeName(_ type: FieldType) -> String {
        switch type {
        case .text(let format): return format.map { "text (\($0.rawValue))" } ?? "text"
        case .number: return "number"
        case .integer: return "integer"
        case .boolean: return "boolean"
        case .oneOf(let words): return words.map { "`\($0)`" }.joined(separator: " \\| ")
        case .list(let element, let minItems): return "list of \(typeName(element))\(minItems > 0 ? " (≥ \(minItems))" : "")"
        case .object(let schema): return "mapping {" + schema.fields.map { $0.name + ($0.required ? "" : "?") }.joined(separator: ", ") + "}"
        case .dictionary(let element): return "name → \(typeName(element))"
        case .textOrObject(let format, let schema): return typeName(.text(format)) + " or " + typeName(.object(schema))
        case .scalar: return "scalar"
        case .any: return "any"
        }
    }
}
