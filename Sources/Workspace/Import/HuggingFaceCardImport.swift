import Foundation
import Documents
import GitKit

/// `policy import hf-card`: a Tollgate ModelCard from a Hugging Face model card (`README.md`).
///
/// The front matter gives the licence, the training data, the teacher and the reported results;
/// the Markdown sections of the huggingface_hub template give the intended uses, the
/// out-of-scope uses, the limitations and the risks (the mapping is docs/huggingface.md). What
/// the ModelCard requires and the README does not say is an error located in the README, exit 2:
/// the import never invents a limitation or a dataset version.
public enum HuggingFaceCardImport {
    public struct Request: Sendable {
        public var readme: String
        public var model: String
        public var version: String
        public var owners: [String]
        public var name: String?
        public var dataset: String?
        public var datasetVersion: String?
        public var teacherModel: String?
        public var teacherVersion: String?
        public var primaryUsers: [String]
        public var allowIncomplete: Bool
        public var importedAt: Date

        public init(readme: String, model: String, version: String, owners: [String], name: String? = nil,
                    dataset: String? = nil, datasetVersion: String? = nil, teacherModel: String? = nil,
                    teacherVersion: String? = nil, primaryUsers: [String] = [], allowIncomplete: Bool = false,
                    importedAt: Date) {
            self.readme = readme
            self.model = model
            self.version = version
            self.owners = owners
            self.name = name
            self.dataset = dataset
            self.datasetVersion = datasetVersion
            self.teacherModel = teacherModel
            self.teacherVersion = teacherVersion
            self.primaryUsers = primaryUsers
            self.allowIncomplete = allowIncomplete
            self.importedAt = importedAt
        }
    }

    public struct Outcome: Sendable {
        /// The ModelCard, as YAML.
        public var text: String
        /// What the import left empty (with `--allow-incomplete`) or chose, for stderr.
        public var warnings: [String]
    }

    /// Everything that stops the import, each located where one exists.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    /// The section titles (normalized) each ModelCard field is read from.
    public enum Titles {
        public static let uses: Set<String> = ["intended uses", "intended use", "uses", "direct use",
                                               "intended uses & limitations", "intended uses and limitations"]
        public static let outOfScope: Set<String> = ["out-of-scope use", "out-of-scope uses", "out of scope use",
                                                     "out of scope uses", "misuse and out-of-scope use",
                                                     "misuse, malicious use, and out-of-scope use"]
        public static let limitations: Set<String> = ["limitations", "known limitations", "limitations and bias",
                                                      "bias and limitations"]
        public static let risks: Set<String> = ["bias, risks, and limitations", "bias, risks and limitations",
                                                "risks and limitations", "bias and risks", "risks"]
        public static let recommendations: Set<String> = ["recommendations"]
        public static let users: Set<String> = ["intended users", "primary users", "primary intended users"]
        public static let description: Set<String> = ["model description"]
    }

    /// `tags` or `base_model_relation` values that say the model was trained from `base_model`.
    static let derivedRelations: Set<String> = ["finetune", "fine-tune", "adapter", "distillation", "distill"]
    static let derivedTags: Set<String> = ["distillation", "distilled", "knowledge-distillation", "fine-tuned",
                                           "finetuned", "fine-tune", "finetune"]

    public static func run(_ request: Request) throws(Failure) -> Outcome {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: request.readme)))
        } catch {
            throw Failure(problems: ["cannot read \(request.readme): \(error.localizedDescription)"])
        }
        let card: HuggingFaceCard
        do {
            card = try HuggingFaceCard.read(bytes, file: request.readme)
        } catch {
            throw Failure(problems: [error.description])
        }
        var converter = Converter(card: card, request: request)
        let text = converter.convert(blob: blobID(bytes), sourceFile: repositoryPath(of: request.readme))
        guard converter.problems.isEmpty, let text else { throw Failure(problems: converter.problems) }
        // The card must read as the ModelCard it claims to be; a difference is a bug here, not the README's.
        switch DocumentLoader.read(Array(text.utf8), path: "imported card") {
        case .document(_, let diagnostics) where diagnostics.allSatisfy({ $0.severity == .warning }):
            break
        case .document(_, let diagnostics), .unreadable(let diagnostics):
            throw Failure(problems: diagnostics.map { "the imported card does not read as a ModelCard: \($0.message)" })
        case .notTollgate:
            throw Failure(problems: ["the imported card does not read as a Tollgate document"])
        }
        return Outcome(text: text, warnings: converter.warnings)
    }

    static func blobID(_ bytes: [UInt8]) -> String? {
        try? Repository.blobID(hashing: bytes).description
    }

    /// The README's path from the root of the repository it is in (how `policy check` names
    /// files), else its file name.
    static func repositoryPath(of path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let directory = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        guard let root = (try? Repository.discover(startingAt: directory))?.workingDirectory else { return name }
        let resolvedRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let prefix = resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : name
    }
}
