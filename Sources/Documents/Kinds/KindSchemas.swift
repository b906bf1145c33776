/// The `spec` schema of every document kind, as data (SPEC §1). `docs/documents.md`
/// describes the same fields; the schema tests keep the two in step.
extension DocumentKind {
    public var specSchema: ObjectSchema {
        switch self {
        case .modelCard: return Schemas.modelCard
        case .runManifest: return Schemas.runManifest
        case .promotionRequest: return Schemas.promotionRequest
        case .approval: return Schemas.approval
        case .incident: return Schemas.incident
        case .team: return Schemas.team
        case .policy: return Schemas.policy
        case .waiver: return Schemas.waiver
        case .config: return Schemas.config
        case .policyTest: return Schemas.policyTest
        }
    }
}

enum Schemas {
    static let text = FieldType.text()
    static let name = FieldType.text(.name)
    static let texts = FieldType.list(.text())
    /// A why that must say something: `""` or white space is a finding.
    static let prose = FieldType.text(.nonBlank)
    static let modelVersion = ObjectSchema([
        FieldSchema("model", name, "model id"),
        FieldSchema("version", text, "model version, as written"),
    ])
    static let datasetRef = ObjectSchema([
        FieldSchema("dataset", text, "dataset name"),
        FieldSchema("version", text, "dataset version (pinned; not 'latest')"),
    ])

    static let modelCard = ObjectSchema([
        FieldSchema("model", name, "model id, shared by all its versions"),
        FieldSchema("version", text, "semantic version of this model"),
        FieldSchema("owners", .list(.text(), minItems: 1), "who owns the model (e-mails)"),
        FieldSchema("description", text, "what the model does"),
        FieldSchema("intendedUse", .object(ObjectSchema([
            FieldSchema("primaryUses", texts, "what the model is for"),
            FieldSchema("primaryUsers", texts, "who uses it"),
            FieldSchema("outOfScope", texts, "uses it must not be put to"),
        ])), "intended use"),
        FieldSchema("limitations", texts, "known limitations"),
        .optional("ethicalConsiderations", .list(.object(ObjectSchema([
            FieldSchema("name", text, "the risk"),
            FieldSchema("mitigation", text, "what is done about it"),
        ]))), "risks and their mitigations"),
        FieldSchema("trainingData", .object(datasetRef), "training dataset"),
        .optional("evaluationData", .object(datasetRef), "evaluation dataset"),
        .optional("format", .oneOf(["onnx", "pytorch", "tflite", "safetensors", "other"]), "artifact format"),
        .optional("sizeMB", .number, "model size in megabytes"),
        .optional("teacher", .object(modelVersion), "distillation lineage: the teacher model"),
        .optional("license", text, "licence of the model"),
        .optional("fairness", .object(ObjectSchema([
            FieldSchema("sensitiveFeatures", .list(.text()),
                        "the features the evaluation is sliced by (Fairlearn's sensitive features, e.g. region, age); [] declares none"),
        ])), "responsible-AI declarations the policies read"),
        .optional("privacy", .object(ObjectSchema([
            FieldSchema("personalData", .boolean, "whether personal data was used to train or evaluate the model"),
            .optional("legalBasis", .oneOf(["consent", "contract", "legal-obligation", "vital-interests", "public-task",
                                            "legitimate-interests"]),
                      "the lawful basis of the processing (GDPR Art. 6(1)), with personal data"),
            .optional("specialCategories", .boolean, "whether special categories of personal data were used (GDPR Art. 9: health, biometric, …)"),
            .optional("anonymisation", .oneOf(["none", "pseudonymised", "anonymised", "aggregated"]),
                      "how the personal data was de-identified before training"),
            .optional("retention", text, "how long the personal data is kept, e.g. P2Y (ISO 8601) or 'deleted after training'"),
        ])), "personal data and its processing, for GDPR / HIPAA rules"),
        .optional("source", .object(ObjectSchema([
            FieldSchema("tool", .oneOf(["huggingface"]), "the model card format the values were imported from"),
            FieldSchema("file", .text(.relativePath), "the README.md the card was imported from, from the repository root"),
            .optional("blob", .text(.commitSHA), "the git blob id of the README's bytes that were imported (git hash-object)"),
            FieldSchema("importedAt", .text(.rfc3339), "when `policy import hf-card` wrote the card"),
        ])), "where the card's values came from (written by `policy import hf-card`)"),
    ])

    static let runManifest = ObjectSchema([
        FieldSchema("model", name, "model id"),
        FieldSchema("version", text, "model version this run produced"),
        FieldSchema("code", .object(ObjectSchema([
            FieldSchema("commit", .text(.commitSHA), "commit of the training code"),
            .optional("repository", text, "repository URL of the training code"),
        ])), "training code"),
        FieldSchema("environment", .object(ObjectSchema([
            FieldSchema("image", .text(.imageDigest), "container image pinned by digest"),
            .optional("python", text, "Python version"),
            .optional("cuda", text, "CUDA version"),
        ])), "runtime environment"),
        FieldSchema("dataset", .object(ObjectSchema([
            FieldSchema("name", text, "dataset name"),
            FieldSchema("version", text, "dataset version"),
            .optional("sha256", .text(.sha256), "dataset checksum"),
        ])), "training dataset"),
        .optional("teacher", .object(ObjectSchema([
            FieldSchema("model", name, "teacher model id"),
            FieldSchema("version", text, "teacher version"),
            .optional("run", name, "the teacher's RunManifest"),
        ])), "distillation teacher"),
        FieldSchema("config", .object(ObjectSchema([
            FieldSchema("seed", .integer, "random seed"),
            FieldSchema("hyperparameters", .dictionary(.scalar), "name → value"),
            .optional("file", .text(.relativePath),
                      "the training config file, read at code.commit by the lineage check's configFile item"),
        ])), "training configuration"),
        FieldSchema("artifacts", .list(.object(ObjectSchema([
            FieldSchema("path", .text(.relativePath), "repository-relative path of the artifact"),
            .optional("sha256", .text(.sha256), "SHA-256 of the artifact (required unless it is tracked by DVC and `md5` is given)"),
            .optional("md5", .text(.md5), "MD5 of the artifact, as DVC records it (for artifacts tracked by a .dvc file or dvc.lock)"),
            .optional("sizeBytes", .integer, "size in bytes"),
        ]))), "produced artifacts"),
        FieldSchema("metrics", .dictionary(.number), "overall evaluation metrics"),
        .optional("slices", .list(.object(ObjectSchema([
            FieldSchema("name", text, "slice name"),
            FieldSchema("feature", text, "sensitive or business feature"),
            FieldSchema("group", text, "the feature's value for this slice"),
            FieldSchema("support", .integer, "number of evaluation examples"),
            FieldSchema("metrics", .dictionary(.number), "metrics on the slice"),
        ]))), "evaluation by slice"),
        .optional("serving", .object(ObjectSchema([
            FieldSchema("p50Ms", .number, "median latency, ms"),
            FieldSchema("p95Ms", .number, "95th percentile latency, ms"),
            .optional("p99Ms", .number, "99th percentile latency, ms"),
            FieldSchema("errorRate", .number, "share of failed requests, 0–1"),
            FieldSchema("availability", .number, "share of successful time, 0–1"),
            .optional("window", text, "measurement window, e.g. 7d"),
        ])), "serving measurements (shadow or canary)"),
        .optional("drift", .object(ObjectSchema([
            FieldSchema("features", .list(.object(ObjectSchema([
                FieldSchema("name", text, "feature"),
                FieldSchema("bins", .list(.number), "bin edges"),
                FieldSchema("baseline", .list(.number), "baseline counts per bin"),
                FieldSchema("current", .list(.number), "current counts per bin"),
            ]))), "binned feature distributions"),
        ])), "input drift"),
        .optional("source", .object(ObjectSchema([
            FieldSchema("tool", .oneOf(["mlflow"]), "the tracking tool the values were imported from"),
            FieldSchema("trackingUri", text, "the tracking server (credentials removed)"),
            FieldSchema("runId", text, "the run the values came from"),
            .optional("experimentId", text, "the run's experiment"),
            .optional("runName", text, "the run's name in the tracking tool"),
            FieldSchema("importedAt", .text(.rfc3339), "when `policy import` last changed the imported values"),
            .optional("fields", texts, "the spec paths written from the run; anything else was written by hand"),
        ])), "where the imported values came from (written by `policy import`)"),
    ])

    static let promotionRequest = ObjectSchema([
        FieldSchema("model", name, "model id"),
        FieldSchema("version", text, "model version to promote"),
        FieldSchema("from", name, "current stage"),
        FieldSchema("to", name, "target stage"),
        FieldSchema("run", name, "the RunManifest of the candidate"),
        FieldSchema("modelCard", name, "the ModelCard of the candidate"),
        .optional("baseline", name, "the champion's RunManifest"),
        FieldSchema("requestedBy", text, "Team member id of the requester"),
        FieldSchema("justification", prose, "why; must not be empty"),
        .optional("canary", .object(ObjectSchema([
            FieldSchema("initialPercent", .number, "traffic share at start"),
            FieldSchema("maxPercent", .number, "traffic share at the end"),
            FieldSchema("stepPercent", .number, "increase per step"),
            FieldSchema("observationMinutes", .number, "time between steps"),
            FieldSchema("autoRollback", .boolean, "roll back automatically"),
            FieldSchema("rollbackErrorRate", .number, "error rate that triggers a rollback"),
        ])), "rollout plan"),
        .optional("status", .oneOf(["open", "released", "withdrawn", "superseded"]),
                  "lifecycle: open (default) is gated; a decided request is reported, not gated"),
        .optional("supersededBy", name, "with status superseded: the PromotionRequest that replaces this one"),
    ])

    static let approval = ObjectSchema([
        FieldSchema("request", name, "the PromotionRequest (or Waiver) approved"),
        FieldSchema("approver", text, "Team member id"),
        FieldSchema("decision", .oneOf(["approve", "reject"]), "approve or reject"),
        FieldSchema("role", text, "the role the approver acts in"),
        FieldSchema("justification", prose, "why; must not be empty"),
        FieldSchema("digest", .text(.bundleDigest), "the bundle digest reviewed"),
    ])

    static let incident = ObjectSchema([
        FieldSchema("model", name, "model id"),
        FieldSchema("severity", .oneOf(["SEV1", "SEV2", "SEV3", "SEV4"]), "severity"),
        FieldSchema("status", .oneOf(["open", "mitigated", "resolved"]), "status"),
        FieldSchema("opened", .text(.rfc3339), "when it was opened"),
        .optional("resolved", .text(.rfc3339), "when it was resolved"),
        FieldSchema("summary", text, "what happened"),
        .optional("runbook", .text(.relativePath), "runbook path"),
        .optional("versions", .list(.text(), minItems: 1), "the model versions it affects; absent: every version"),
    ])

    static let team = ObjectSchema([
        FieldSchema("members", .list(.object(ObjectSchema([
            FieldSchema("id", name, "member id"),
            FieldSchema("name", text, "display name"),
            FieldSchema("emails", .list(.text(), minItems: 1), "e-mail addresses"),
            .optional("signingKeys", .list(.textOrObject(nil, ObjectSchema([
                FieldSchema("key", text, "OpenSSH public key or GPG fingerprint"),
                .optionalNotEmpty("expires", .text(.rfc3339), "RFC 3339 time after which the key verifies no attestation"),
            ]))), "OpenSSH public keys or GPG fingerprints; a key with an expiry as {key, expires}"),
            FieldSchema("roles", texts, "roles, e.g. approver, rai-reviewer, policy-owner"),
        ])), minItems: 1), "the members"),
    ])

    static let policy = ObjectSchema([
        .optional("description", text, "what the policy guards"),
        FieldSchema("match", .object(ObjectSchema([
            FieldSchema("kinds", .list(.oneOf(DocumentKind.allCases.map(\.rawValue)), minItems: 1), "subject kinds"),
            .optional("from", .list(.text()), "source stages (PromotionRequest)"),
            .optional("to", .list(.text()), "target stages (PromotionRequest)"),
            .optional("models", .list(.text()), "model ids; '*' and globs allowed"),
            .optional("labels", .dictionary(.text()), "labels the subject must carry"),
        ])), "which subjects the policy applies to"),
        .optional("enforcement", .oneOf(["block", "warn"]), "default enforcement of its rules"),
        .optional("tags", texts, "compliance tags for every rule"),
        .optional("variables", .list(.object(ObjectSchema([
            FieldSchema("name", .text(), "the variable's name; rules read it as variables.<name>"),
            FieldSchema("expression", .text(), "CEL; may use the variables defined before it"),
        ]))), "named CEL expressions for expr rules, evaluated lazily per subject"),
        FieldSchema("rules", .list(.any, minItems: 1), "the rules; each is validated by its check"),
    ])

    static let waiver = ObjectSchema([
        FieldSchema("policy", name, "policy name"),
        FieldSchema("rule", text, "rule id"),
        FieldSchema("subject", name, "metadata.name of the subject"),
        FieldSchema("reason", prose, "why; must not be empty"),
        FieldSchema("expires", .text(.rfc3339), "end of the exception"),
    ])

    static let config = ObjectSchema([
        .optional("policies", .list(.text(.relativePath)), "where Policy, Team and PolicyTest documents live"),
        .optional("include", texts, "globs of documents"),
        .optional("exclude", texts, "globs to skip"),
        .optional("stages", .list(.text(.name), minItems: 1), "lifecycle stages, in order"),
        .optional("protect", .list(.object(ObjectSchema([
            FieldSchema("paths", .list(.text(), minItems: 1), "globs"),
            FieldSchema("role", text, "role whose signature a change needs"),
        ]))), "protected paths"),
        .optional("waivers", .object(ObjectSchema([
            FieldSchema("approvals", .integer, "approvals a waiver needs"),
            .optional("role", text, "role of those approvers"),
        ])), "what a waiver needs"),
        .optional("packs", .list(.object(ObjectSchema([
            .optional("name", name, "the pack's directory under <policies>/vendor/ (default: the source's last segment without .git)"),
            FieldSchema("source", text, "git URL or local path (relative to the Config's directory) of the pack's repository"),
            FieldSchema("ref", text, "tag, branch or full commit id to vendor"),
            .optional("path", .text(.relativePath), "the pack's directory in its repository (default policies/)"),
            .optional("digest", text, "sha256:<64 hex>: the content digest the pack must have"),
        ]))), "policy packs vendored by `policy pack update` (docs/packs.md)"),
    ])

    /// PolicyTest documents are run by `policy test`; their cases are validated there.
    static let policyTest = ObjectSchema([
        .optional("description", text, "what is tested"),
        FieldSchema("cases", .list(.any, minItems: 1), "test cases"),
    ])
}
