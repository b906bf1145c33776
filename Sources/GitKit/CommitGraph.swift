import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// git's commit-graph (`objects/info/commit-graph`, or a split chain under
/// `objects/info/commit-graphs/`), read from memory-mapped files: for every commit it holds, its
/// parents, root tree, commit time and — when the graph was written with `--changed-paths` —
/// a Bloom filter of the paths it changed relative to its first parent
/// (Documentation/gitformat-commit-graph.txt in git).
///
/// Reading fails closed: a file whose size, header, chunk table, chunk sizes, fan-out, object
/// order, parent positions, octopus edge list, filter index or trailing SHA-1 checksum is wrong
/// is refused (with the layers above it in a chain); `open` then returns the layers below, or
/// nil. Every accessor takes positions handed out by this graph and reads only bytes that were
/// checked at load. Nothing here decides anything: the repository asks the graph only for facts
/// that its objects would give too, so without a graph the answers are the same, just slower.
///
/// The checksum guards against damage, not against someone who can write `.git/objects`
/// (who could rewrite the objects themselves). A file replaced while mapped stays mapped (git
/// replaces graph files by renaming, never in place).
public final class CommitGraph: @unchecked Sendable {
    /// A commit's place in the graph: its index in object-id order, the base layer's commits
    /// first (git's "lexicographic position" spanning the layers of a chain).
    public struct Position: Hashable, Sendable, Comparable {
        public let value: UInt32
        public static func < (lhs: Position, rhs: Position) -> Bool { lhs.value < rhs.value }
    }

    /// The header of the changed-path Bloom filters (BDAT): every layer of a graph whose
    /// filters are used has the same.
    public struct BloomSettings: Equatable, Sendable {
        /// 1: git's first murmur3, which hashed bytes as signed chars; 2: the corrected one.
        public let hashVersion: UInt32
        public let numberOfHashes: UInt32
        public let bitsPerEntry: UInt32
    }

    /// The filter keys of one path and each of its leading directories, for `mayHaveChanged`.
    public struct ChangedPathKeys: Sendable {
        /// `numberOfHashes` hashes per prefix, the shortest prefix first.
        fileprivate let hashes: [UInt32]
        fileprivate let numberOfHashes: Int
    }

    /// What a changed-path filter says about a path in one commit.
    public enum ChangedPathAnswer: Equatable, Sendable {
        /// The commit did not change the path (nor anything under it) relative to its first
        /// parent: the path or one of its leading directories is absent from the filter.
        case no
        /// The filter holds the path and its leading directories: it may have changed.
        case maybe
        /// No answer: the commit is not in the graph, has no filter (or git's marker filter
        /// for a commit with more than 512 changes), or the path cannot be hashed as the
        /// filter was (bytes ≥ 0x80 with hash version 1).
        case unknown
    }

    static let parentNone: UInt32 = 0x7000_0000
    static let octopusBit: UInt32 = 0x8000_0000
    private static let hashLength = 20

    let layers: [Layer]
    /// The mapped files of `layers`, which hold no reference to them.
    private let files: [MappedFile]
    /// How many files the graph was read from (1, or the layers of a chain that were used).
    public var layerCount: Int { layers.count }
    /// How many commits the graph holds, all layers together.
    public let commitCount: Int
    /// The settings of the changed-path filters; nil when no layer has usable filters (or
    /// the layers disagree, as git then ignores them too).
    public let bloomSettings: BloomSettings?
    /// Why files were not used (a damaged layer and those above it), for diagnostics and tests.
    public let refusals: [String]

    private init(layers: [Layer], files: [MappedFile], bloomSettings: BloomSettings?, refusals: [String]) {
        self.layers = layers
        self.files = files
        self.commitCount = layers.last.map { $0.base + $0.count } ?? 0
        self.bloomSettings = bloomSettings
        self.refusals = refusals
    }

    /// Why a file was refused.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Opening

    /// The commit-graph under an objects directory (`.git/objects`): the single file when it
    /// reads correctly, else the valid layers of the chain, else nil (with the refusals in
    /// `refused`).
    ///
    /// - Parameter changedPaths: false ignores the Bloom filters (`commitGraph.readChangedPaths`).
    public static func open(objectsDirectory: String, changedPaths: Bool = true) -> CommitGraph? {
        var refused: [String] = []
        return open(objectsDirectory: objectsDirectory, changedPaths: changedPaths, refused: &refused)
    }

    /// `open(objectsDirectory:changedPaths:)` that also tells why files were refused.
    public static func open(objectsDirectory: String, changedPaths: Bool = true, refused: inout [String]) -> CommitGraph? {
        let single = objectsDirectory + "/info/commit-graph"
        if let file = MappedFile(path: single) {
            do {
                let layer = try Layer(file: file, name: "commit-graph", base: 0, baseChecksums: [])
                return CommitGraph(layers: [layer], files: [file], changedPaths: changedPaths, refusals: refused)
            } catch {
                refused.append(error.description)
            }
        }
        let directory = objectsDirectory + "/info/commit-graphs"
        guard let chainFile = MappedFile(path: directory + "/commit-graph-chain", maxSize: 1 << 20) else {
            return nil
        }
        let lines = String(decoding: chainFile.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        var layers: [Layer] = []
        var files: [MappedFile] = []
        var checksums: [[UInt8]] = []
        for line in lines {
            let hex = String(line)
            guard let id = ObjectID(hex: hex), id.hex == hex else {
                refused.append("commit-graph-chain: \(hex.prefix(50)) is not a graph id")
                break
            }
            let name = "graph-\(hex).graph"
            guard let file = MappedFile(path: directory + "/" + name) else {
                refused.append("\(name): cannot be read")
                break
            }
            do throws(Refusal) {
                let base = layers.last.map { $0.base + $0.count } ?? 0
                let layer = try Layer(file: file, name: name, base: base, baseChecksums: checksums)
                guard ObjectID(raw: layer.checksum) == id else { throw Refusal("\(name): its checksum is not its name") }
                layers.append(layer)
                files.append(file)
                checksums.append(layer.checksum)
            } catch {
                refused.append(error.description)
                break
            }
        }
        guard !layers.isEmpty else { return nil }
        return CommitGraph(layers: layers, files: files, changedPaths: changedPaths, refusals: refused)
    }

    private convenience init(layers: [Layer], files: [MappedFile], changedPaths: Bool, refusals: [String]) {
        // git ignores the filters of layers whose settings differ from the base's; simpler and
        // as safe: mixed settings anywhere, no filters at all.
        let settings = Set(layers.compactMap { $0.bloom?.settings.key })
        let usable = changedPaths && settings.count == 1 ? layers.compactMap { $0.bloom?.settings }.first : nil
        self.init(layers: layers, files: files, bloomSettings: usable, refusals: refusals)
    }

    // MARK: Commits

    /// The position of a commit, or nil when the graph does not hold it.
    public func lookup(_ id: ObjectID) -> Position? {
        var oid = id.gitOID
        return withUnsafeBytes(of: &oid.id) { key -> Position? in
            for layer in layers.reversed() {
                if let index = layer.index(of: key) { return Position(value: UInt32(layer.base + index)) }
            }
            return nil
        }
    }

    private func layer(_ position: Position) -> (layer: Layer, index: Int) {
        let value = Int(position.value)
        for layer in layers.reversed() where value >= layer.base {
            return (layer, value - layer.base)
        }
        return (layers[0], value)  // unreachable for positions this graph handed out
    }

    /// The id of the commit at `position`.
    public func objectID(at position: Position) -> ObjectID {
        let (layer, index) = self.layer(position)
        return ObjectID(raw: layer.bytes(layer.oids + index * CommitGraph.hashLength, CommitGraph.hashLength))
    }

    /// The commit's root tree.
    public func rootTree(at position: Position) -> ObjectID {
        let (layer, index) = self.layer(position)
        return ObjectID(raw: layer.bytes(layer.data + index * 36, CommitGraph.hashLength))
    }

    /// The commit's parents, in order (the first parent first; octopus merges through EDGE).
    public func parents(at position: Position) -> [Position] {
        let (layer, index) = self.layer(position)
        let record = layer.data + index * 36
        let first = layer.u32(record + 20)
        let second = layer.u32(record + 24)
        if first == CommitGraph.parentNone { return [] }
        if second == CommitGraph.parentNone { return [Position(value: first)] }
        if second & CommitGraph.octopusBit == 0 { return [Position(value: first), Position(value: second)] }
        var result = [Position(value: first)]
        var edge = Int(second & ~CommitGraph.octopusBit)
        // Validated at load: every run of the edge list ends within it.
        while let edges = layer.edges, edge < edges.count / 4 {
            let value = layer.u32(edges.lowerBound + edge * 4)
            result.append(Position(value: value & ~CommitGraph.octopusBit))
            if value & CommitGraph.octopusBit != 0 { break }
            edge += 1
        }
        return result
    }

    /// The committer time (seconds since 1970) recorded for the commit.
    public func commitTime(at position: Position) -> Int64 {
        let (layer, index) = self.layer(position)
        let record = layer.data + index * 36
        return Int64(layer.u32(record + 28) & 3) << 32 | Int64(layer.u32(record + 32))
    }

    /// The commit's topological level (1 for a root), as CDAT stores it; 0 when not computed.
    public func topologicalLevel(at position: Position) -> UInt32 {
        let (layer, index) = self.layer(position)
        return layer.u32(layer.data + index * 36 + 28) >> 2
    }

    /// Whether `target` is `start` or one of its ancestors, walking the graph's parents only:
    /// a commit whose topological level is not above the target's cannot lead to it (levels
    /// grow strictly from parent to child), so those are not followed when both levels are known.
    public func reaches(_ target: Position, from start: Position) -> Bool {
        if target == start { return true }
        let targetLevel = topologicalLevel(at: target)
        var seen = Set<UInt32>([start.value])
        var pending = [start]
        while let position = pending.popLast() {
            for parent in parents(at: position) {
                if parent == target { return true }
                guard seen.insert(parent.value).inserted else { continue }
                if targetLevel != 0 {
                    let level = topologicalLevel(at: parent)
                    if level != 0, level <= targetLevel { continue }
                }
                pending.append(parent)
            }
        }
        return false
    }

    // MARK: Changed paths

    /// The keys of `path` and its leading directories (`a`, `a/b`, `a/b/c` for `a/b/c`), or nil
    /// when the filters cannot answer for it: no usable filters, an empty path, or bytes ≥ 0x80
    /// under hash version 1 (git's v1 murmur3 hashed signed chars; not emulated).
    public func changedPathKeys(for path: String) -> ChangedPathKeys? {
        guard let settings = bloomSettings else { return nil }
        let components = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        guard !components.isEmpty else { return nil }
        if settings.hashVersion == 1, path.utf8.contains(where: { $0 >= 0x80 }) { return nil }
        let count = Int(settings.numberOfHashes)
        var hashes: [UInt32] = []
        hashes.reserveCapacity(components.count * count)
        var prefix: [UInt8] = []
        for component in components {
            if !prefix.isEmpty { prefix.append(UInt8(ascii: "/")) }
            prefix.append(contentsOf: component)
            let first = CommitGraph.murmur3(seed: 0x293a_e76f, prefix)
            let second = CommitGraph.murmur3(seed: 0x7e64_6e2c, prefix)
            for index in 0..<count {
                hashes.append(first &+ UInt32(truncatingIfNeeded: index) &* second)
            }
        }
        return ChangedPathKeys(hashes: hashes, numberOfHashes: count)
    }

    /// Whether the commit at `position` may have changed the path of `keys` relative to its
    /// first parent (the empty tree for a root), per its changed-path filter.
    public func mayHaveChanged(_ keys: ChangedPathKeys, at position: Position) -> ChangedPathAnswer {
        let (layer, index) = self.layer(position)
        guard bloomSettings != nil, let bloom = layer.bloom else { return .unknown }
        let end = Int(layer.u32(bloom.index + index * 4))
        let start = index == 0 ? 0 : Int(layer.u32(bloom.index + (index - 1) * 4))
        let length = end - start
        // Length 0: no filter (git ≤ 2.28 also wrote that for too many changes).
        guard length > 0 else { return .unknown }
        let filter = bloom.filters + start
        // git's marker for a commit with more changes than a filter holds: one all-ones byte.
        if length == 1, layer.file.bytes[filter] == 0xFF { return .unknown }
        let bits = UInt64(length) * 8
        for hash in keys.hashes {
            let bit = UInt64(hash) % bits
            let byte = layer.file.bytes[filter + Int(bit / 8)]
            if byte & (1 << UInt8(bit % 8)) == 0 { return .no }
        }
        return .maybe
    }

    /// git's seeded murmur3 (bloom.c, `murmur3_seeded_v2`: bytes unsigned).
    static func murmur3(seed: UInt32, _ data: [UInt8]) -> UInt32 {
        let c1: UInt32 = 0xcc9e_2d51
        let c2: UInt32 = 0x1b87_3593
        var hash = seed
        let blocks = data.count / 4
        for block in 0..<blocks {
            var k = UInt32(data[4 * block]) | UInt32(data[4 * block + 1]) << 8
                | UInt32(data[4 * block + 2]) << 16 | UInt32(data[4 * block + 3]) << 24
            k = k &* c1
            k = (k << 15) | (k >> 17)
            k = k &* c2
            hash ^= k
            hash = (hash << 13) | (hash >> 19)
            hash = hash &* 5 &+ 0xe654_6b64
        }
        let tail = blocks * 4
        var k1: UInt32 = 0
        switch data.count & 3 {
        case 3:
            k1 ^= UInt32(data[tail + 2]) << 16
            fallthrough
        case 2:
            k1 ^= UInt32(data[tail + 1]) << 8
            fallthrough
        case 1:
            k1 ^= UInt32(data[tail])
            k1 = k1 &* c1
            k1 = (k1 << 15) | (k1 >> 17)
            k1 = k1 &* c2
            hash ^= k1
        default:
            break
        }
        hash ^= UInt32(truncatingIfNeeded: data.count)
        hash ^= hash >> 16
        hash = hash &* 0x85eb_ca6b
        hash ^= hash >> 13
        hash = hash &* 0xc2b2_ae35
        hash ^= hash >> 16
        return hash
    }
}

// MARK: - One file

extension CommitGraph {
    /// One graph file, checked entirely when loaded; offsets are byte offsets into `file`.
    struct Layer: @unchecked Sendable {
        struct Bloom {
            /// BIDX: one cumulative end offset per commit.
            let index: Int
            /// The first filter byte in BDAT (after its 12-byte header).
            let filters: Int
            let settings: BloomSettings
        }

        /// The mapped file (kept alive by `CommitGraph.files`); no reference here, so that
        /// reading a layer costs no reference counting.
        let file: RawBytes
        /// The position of this layer's first commit (the commits of the layers below).
        let base: Int
        let count: Int
        let fanout: Int
        let oids: Int
        let data: Int
        let edges: Range<Int>?
        let bloom: Bloom?

        static let signature: UInt32 = 0x4347_5048  // "CGPH"

        /// The trailing checksum: a chain names each layer by it.
        var checksum: [UInt8] { Array(file.bytes[(file.bytes.count - CommitGraph.hashLength)...]) }

        init(file mapped: MappedFile, name: String, base: Int, baseChecksums: [[UInt8]]) throws(Refusal) {
            let file = RawBytes(bytes: mapped.bytes)
            let bytes = file.bytes
            let size = bytes.count
            let hashLength = CommitGraph.hashLength
            func refuse(_ why: String) -> Refusal { Refusal("\(name): \(why)") }
            guard size >= 8 + 12 + hashLength else { throw refuse("too short (\(size) bytes)") }
            guard file.u32(0) == Layer.signature else { throw refuse("no commit-graph signature") }
            guard bytes[4] == 1 else { throw refuse("version \(bytes[4]) is not 1") }
            guard bytes[5] == 1 else { throw refuse("hash version \(bytes[5]) is not SHA-1") }
            let chunkCount = Int(bytes[6])
            let baseCount = Int(bytes[7])
            guard baseCount == baseChecksums.count else {
                throw refuse("\(baseCount) base graphs, the chain has \(baseChecksums.count) below it")
            }
            let tableEnd = 8 + (chunkCount + 1) * 12
            let contentEnd = size - hashLength
            guard tableEnd <= contentEnd else { throw refuse("the chunk table runs past the end") }

            let digest = Array(Insecure.SHA1.hash(data: UnsafeRawBufferPointer(rebasing: bytes[0..<contentEnd])))
            let checksum = Array(bytes[contentEnd..<size])
            guard digest == checksum else { throw refuse("the checksum does not match the contents") }

            var chunks: [UInt32: Range<Int>] = [:]
            var previous: (id: UInt32, offset: Int)?
            for index in 0...chunkCount {
                let entry = 8 + index * 12
                let id = file.u32(entry)
                let rawOffset = UInt64(file.u32(entry + 4)) << 32 | UInt64(file.u32(entry + 8))
                guard rawOffset >= UInt64(tableEnd), rawOffset <= UInt64(contentEnd) else {
                    throw refuse("chunk \(index) starts outside the file")
                }
                let offset = Int(rawOffset)
                guard (id == 0) == (index == chunkCount) else { throw refuse("the chunk table is not terminated where it says") }
                if let previous {
                    guard offset >= previous.offset else { throw refuse("chunk offsets go backwards") }
                    guard chunks[previous.id] == nil else { throw refuse("a chunk appears twice") }
                    chunks[previous.id] = previous.offset..<offset
                }
                previous = (id, offset)
            }
            func chunk(_ text: String) -> Range<Int>? {
                chunks[text.utf8.reduce(0) { $0 << 8 | UInt32($1) }]
            }

            guard let fanout = chunk("OIDF"), fanout.count == 256 * 4 else { throw refuse("no valid OID fan-out chunk") }
            var last: UInt32 = 0
            for bucket in 0..<256 {
                let value = file.u32(fanout.lowerBound + bucket * 4)
                guard value >= last else { throw refuse("the OID fan-out decreases") }
                last = value
            }
            let count = Int(last)
            guard base + count < Int(CommitGraph.parentNone) else { throw refuse("too many commits (\(count))") }
            guard let oids = chunk("OIDL"), oids.count == count * hashLength else { throw refuse("the OID lookup chunk has the wrong size") }
            guard let data = chunk("CDAT"), data.count == count * 36 else { throw refuse("the commit data chunk has the wrong size") }
            // Object ids strictly ascending: what the lookup's binary search relies on.
            if count > 1 {
                for index in 1..<count {
                    let left = oids.lowerBound + (index - 1) * hashLength
                    if memcmp(bytes.baseAddress! + left, bytes.baseAddress! + left + hashLength, hashLength) >= 0 {
                        throw refuse("object ids out of order at \(index)")
                    }
                }
            }
            if baseCount > 0 {
                guard let baseChunk = chunk("BASE"), baseChunk.count == baseCount * hashLength else { throw refuse("no valid base graphs chunk") }
                for (index, expected) in baseChecksums.enumerated() {
                    let start = baseChunk.lowerBound + index * hashLength
                    guard Array(bytes[start..<start + hashLength]) == expected else { throw refuse("base graph \(index) is not the chain's") }
                }
            }

            // Parents: positions of commits in this layer or below; octopus runs end in EDGE.
            let total = UInt32(base + count)
            var edges: Range<Int>?
            var edgeRunEnds: [Bool] = []
            if let edgeChunk = chunk("EDGE") {
                guard edgeChunk.count % 4 == 0 else { throw refuse("the extra edge list has the wrong size") }
                edges = edgeChunk
                let edgeCount = edgeChunk.count / 4
                edgeRunEnds = Array(repeating: false, count: edgeCount + 1)
                if edgeCount > 0 {
                    for edge in stride(from: edgeCount - 1, through: 0, by: -1) {
                        let value = file.u32(edgeChunk.lowerBound + edge * 4)
                        guard value & ~CommitGraph.octopusBit < total else { throw refuse("an extra edge points past the commits") }
                        edgeRunEnds[edge] = value & CommitGraph.octopusBit != 0 || edgeRunEnds[edge + 1]
                    }
                }
            }
            for index in 0..<count {
                let record = data.lowerBound + index * 36
                let first = file.u32(record + 20)
                let second = file.u32(record + 24)
                if first == CommitGraph.parentNone {
                    guard second == CommitGraph.parentNone else { throw refuse("commit \(index) has a second parent but no first") }
                    continue
                }
                guard first < total else { throw refuse("commit \(index) has a parent past the commits") }
                if second == CommitGraph.parentNone { continue }
                if second & CommitGraph.octopusBit == 0 {
                    guard second < total else { throw refuse("commit \(index) has a parent past the commits") }
                } else {
                    let edge = Int(second & ~CommitGraph.octopusBit)
                    guard edge < edgeRunEnds.count - 1, edgeRunEnds[edge] else { throw refuse("commit \(index) has an octopus edge outside the list") }
                }
            }

            var bloom: Bloom?
            if let index = chunk("BIDX"), let filters = chunk("BDAT") {
                guard index.count == count * 4, filters.count >= 12 else { throw refuse("the Bloom filter chunks have the wrong size") }
                let settings = BloomSettings(hashVersion: file.u32(filters.lowerBound), numberOfHashes: file.u32(filters.lowerBound + 4),
                                             bitsPerEntry: file.u32(filters.lowerBound + 8))
                let available = filters.count - 12
                var previousEnd: UInt32 = 0
                for commit in 0..<count {
                    let end = file.u32(index.lowerBound + commit * 4)
                    guard end >= previousEnd, Int(end) <= available else { throw refuse("the Bloom filter index points outside the filters") }
                    previousEnd = end
                }
                // Unknown hash versions or settings: the graph is fine, its filters unusable.
                if (settings.hashVersion == 1 || settings.hashVersion == 2), (1...64).contains(settings.numberOfHashes) {
                    bloom = Bloom(index: index.lowerBound, filters: filters.lowerBound + 12, settings: settings)
                }
            }

            self.file = file
            self.base = base
            self.count = count
            self.fanout = fanout.lowerBound
            self.oids = oids.lowerBound
            self.data = data.lowerBound
            self.edges = edges
            self.bloom = bloom
        }

        func u32(_ offset: Int) -> UInt32 { file.u32(offset) }

        func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: file.bytes[offset..<offset + count])
        }

        /// The index in this layer of the object id in `key` (20 bytes).
        func index(of key: UnsafeRawBufferPointer) -> Int? {
            let first = Int(key[0])
            var low = first == 0 ? 0 : Int(u32(fanout + (first - 1) * 4))
            var high = Int(u32(fanout + first * 4))
            let base = file.bytes.baseAddress! + oids
            while low < high {
                let middle = (low + high) / 2
                let order = memcmp(base + middle * CommitGraph.hashLength, key.baseAddress!, CommitGraph.hashLength)
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }
}

extension CommitGraph.BloomSettings {
    fileprivate var key: [UInt32] { [hashVersion, numberOfHashes, bitsPerEntry] }
}

// MARK: - Memory map

/// Bytes of a mapped file, read without reference counting (the file is kept alive elsewhere).
struct RawBytes {
    let bytes: UnsafeRawBufferPointer

    /// The big-endian 32-bit number at `offset` (callers check bounds).
    func u32(_ offset: Int) -> UInt32 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
    }
}

/// A read-only private memory map of a whole regular file.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init?(path: String, maxSize: Int = 1 << 36) {
        let descriptor = openForReading(path)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
              info.st_size > 0, info.st_size <= maxSize else { return nil }
        let size = Int(info.st_size)
        guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
              pointer != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        bytes = UnsafeRawBufferPointer(start: pointer, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }

    /// The big-endian 32-bit number at `offset` (callers check bounds).
    func u32(_ offset: Int) -> UInt32 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
    }
}

private func openForReading(_ path: String) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, O_RDONLY | O_CLOEXEC)
    #else
    Darwin.open(path, O_RDONLY | O_CLOEXEC)
    #endif
}

extension ObjectID {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The id whose raw bytes are `raw` (20 bytes).
    init<Bytes: Collection>(raw: Bytes) where Bytes.Element == UInt8 {
        var characters: [UInt8] = []
        characters.reserveCapacity(40)
        for byte in raw {
            characters.append(ObjectID.digits[Int(byte >> 4)])
            characters.append(ObjectID.digits[Int(byte & 0x0f)])
        }
        self.init(validatedHex: String(decoding: characters, as: UTF8.self))
    }
}
