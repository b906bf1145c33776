/// The budget a YAML file must fit in before Tollgate turns it into values.
///
/// Policy repositories take YAML from anyone who can open a pull request, so the
/// loader treats every file as hostile: it refuses big files, alias bombs and
/// pathological nesting with a located error instead of hanging or crashing.
public struct YAMLLimits: Sendable, Hashable {
    /// The largest file read, in bytes.
    public var maxBytes: Int
    /// The most nodes (keys, values and list items) a stream may produce after
    /// aliases are expanded.
    public var maxNodes: Int
    /// The deepest nesting of mappings and lists; a collection at the top of a
    /// document is level 1.
    public var maxDepth: Int

    public init(maxBytes: Int = 4 << 20, maxNodes: Int = 100_000, maxDepth: Int = 128) {
        self.maxBytes = maxBytes
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
    }

    /// 4 MiB, 100,000 nodes, 128 levels.
    public static let `default` = YAMLLimits()
}
