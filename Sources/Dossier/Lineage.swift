import Documents

/// Where a candidate comes from, as its run manifest states it: dataset → teacher → config →
/// code → image → artifacts → candidate run → request, with the champion's and the teacher's
/// metrics beside the candidate's.
public struct Lineage: Sendable, Hashable {
    public var dataset: Dataset?
    public var teacher: Teacher?
    public var seed: String?
    /// `spec.config.hyperparameters`, keys sorted.
    public var hyperparameters: [Pair]
    public var codeCommit: String?
    public var codeRepository: String?
    public var image: String?
    public var artifacts: [Artifact]
    /// The candidate run's name and file; nil when the request names none that exists.
    public var run: DocumentRef?
    public var card: DocumentRef?
    /// The run of the champion (the baseline), when there is one.
    public var champion: DocumentRef?
    /// The candidate's metrics against the champion's and the teacher's, metric names sorted.
    public var championDeltas: [MetricDelta]
    public var teacherDeltas: [MetricDelta]
    /// Why the request has no champion, when the rules said so (a first production release).
    public var championNote: String?

    public init(dataset: Dataset? = nil, teacher: Teacher? = nil, seed: String? = nil, hyperparameters: [Pair] = [],
                codeCommit: String? = nil, codeRepository: String? = nil, image: String? = nil, artifacts: [Artifact] = [],
                run: DocumentRef? = nil, card: DocumentRef? = nil, champion: DocumentRef? = nil,
                championDeltas: [MetricDelta] = [], teacherDeltas: [MetricDelta] = [], championNote: String? = nil) {
        self.dataset = dataset
        self.teacher = teacher
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.codeCommit = codeCommit
        self.codeRepository = codeRepository
        self.image = image
        self.artifacts = artifacts
        self.run = run
        self.card = card
        self.champion = champion
        self.championDeltas = championDeltas
        self.teacherDeltas = teacherDeltas
        self.championNote = championNote
    }

    public struct Pair: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public struct Dataset: Sendable, Hashable {
        public var name: String?
        public var version: String?
        public var sha256: String?

        public init(name: String?, version: String?, sha256: String?) {
            self.name = name
            self.version = version
            self.sha256 = sha256
        }
    }

    public struct Teacher: Sendable, Hashable {
        public var model: String?
        public var version: String?
        /// The teacher's run, when one is named or found.
        public var run: DocumentRef?
        /// The teacher's metrics, names sorted.
        public var metrics: [Pair]

        public init(model: String?, version: String?, run: DocumentRef?, metrics: [Pair]) {
            self.model = model
            self.version = version
            self.run = run
            self.metrics = metrics
        }
    }

    public struct Artifact: Sendable, Hashable {
        public enum Verification: String, Sendable, Hashable {
            /// A lineage rule compared it with its checksum and found no problem.
            case verified
            /// A lineage rule found a problem with it (see `problem`).
            case failed
            /// No lineage rule checked the artifacts.
            case notChecked = "not-checked"
        }

        public var path: String?
        public var sha256: String?
        public var sizeBytes: String?
        public var verification: Verification
        public var problem: String?

        public init(path: String?, sha256: String?, sizeBytes: String?, verification: Verification, problem: String?) {
            self.path = path
            self.sha256 = sha256
            self.sizeBytes = sizeBytes
            self.verification = verification
            self.problem = problem
        }
    }

    /// A document by name and file.
    public struct DocumentRef: Sendable, Hashable {
        public var name: String
        public var file: String
        /// For the champion: the merged request that made it the champion, and that merge.
        public var via: String?

        public init(name: String, file: String, via: String? = nil) {
            self.name = name
            self.file = file
            self.via = via
        }
    }

    public struct MetricDelta: Sendable, Hashable {
        public var metric: String
        public var candidate: Double
        public var reference: Double
        public var delta: Double { candidate - reference }

        public init(metric: String, candidate: Double, reference: Double) {
            self.metric = metric
            self.candidate = candidate
            self.reference = reference
        }
    }
}
