/// The type of a field in a document schema. Schemas are data: the validator, the
/// reference documentation and (later) the JSON Schemas are all derived from them.
public indirect enum FieldType: Sendable {
    /// Any scalar, taken as its source text (`version: 1.10` is "1.10"), optionally constrained.
    case text(TextFormat? = nil)
    /// A number (int or float).
    case number
    /// An integer.
    case integer
    /// `true` or `false`.
    case boolean
    /// One of a fixed set of words.
    case oneOf([String])
    /// A list of values of one type.
    case list(FieldType, minItems: Int = 0)
    /// A mapping with known keys; any other key is an "unknown key" finding.
    case object(ObjectSchema)
    /// A mapping from free-form names to values of one type (labels, metrics, hyperparameters).
    case dictionary(FieldType)
    /// Any scalar: a number, a boolean or text (hyperparameter values).
    case scalar
    /// Text (of a format), or a mapping with known keys: a Team's signing key is its OpenSSH
    /// line, or `{key: …, expires: …}`.
    case textOrObject(TextFormat?, ObjectSchema)
    /// Anything; validated elsewhere (e.g. policy rules by the check that owns them).
    case any

    /// How the type reads in a message: "expected text", "expected a number".
    public var expectation: String {
        switch self {
        case .text: return "a string"
        case .number: return "a number"
        case .integer: return "an integer"
        case .boolean: return "true or false"
        case .oneOf(let words): return "one of \(words.joined(separator: ", "))"
        case .list: return "a list"
        case .object, .dictionary: return "a mapping"
        case .textOrObject: return "a string or a mapping"
        case .scalar: return "a number, a boolean or a string"
        case .any: return "any value"
        }
    }
}

/// One field of an object schema.
public struct FieldSchema: Sendable {
    public var name: String
    public var type: FieldType
    public var required: Bool
    /// One line for the reference documentation.
    public var summary: String
    /// Whether `key:` with nothing after it is read as an absent optional field (the default).
    /// False for a field whose absence grants more than any value would (a key's `expires`):
    /// an empty value there is an error, never "no expiry".
    public var emptyMeansAbsent = true

    public init(_ name: String, _ type: FieldType, required: Bool = true, _ summary: String = "") {
        self.name = name
        self.type = type
        self.required = required
        self.summary = summary
    }

    public static func optional(_ name: String, _ type: FieldType, _ summary: String = "") -> FieldSchema {
        FieldSchema(name, type, required: false, summary)
    }

    /// An optional field that, when written, must have a value (`emptyMeansAbsent` false).
    public static func optionalNotEmpty(_ name: String, _ type: FieldType, _ summary: String = "") -> FieldSchema {
        var field = FieldSchema(name, type, required: false, summary)
        field.emptyMeansAbsent = false
        return field
    }
}

/// The known keys of a mapping.
public struct ObjectSchema: Sendable {
    public var fields: [FieldSchema]

    public init(_ fields: [FieldSchema]) {
        self.fields = fields
    }

    public subscript(name: String) -> FieldSchema? {
        fields.first(where: { $0.name == name })
    }
}
