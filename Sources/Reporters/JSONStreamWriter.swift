/// Writes pretty-printed JSON straight into a byte buffer, in the layout of
/// `PrettyJSONEncoder` (Foundation's `.prettyPrinted` layout): the writer of the large
/// machine reports, where `Codable` costs more than the check itself (docs/performance.md).
///
/// The caller writes each object's keys in sorted order; `JSONReporterTests` compares the
/// result with `PrettyJSONEncoder`'s sorted encoding of the same report, byte for byte.
struct JSONStreamWriter {
    private(set) var bytes: [UInt8] = []
    /// Open containers: whether each is an object, and how many members it has so far.
    private var open: [(isObject: Bool, count: Int)] = []
    /// Receives the bytes written so far whenever they exceed `flushThreshold`, so a report
    /// of hundreds of megabytes never sits in memory whole. Without it, `bytes` keeps all.
    private let sink: ((ArraySlice<UInt8>) -> Void)?
    private let flushThreshold: Int

    init(capacity: Int = 1 << 16, flushingTo sink: ((ArraySlice<UInt8>) -> Void)? = nil) {
        self.sink = sink
        flushThreshold = capacity
        bytes.reserveCapacity(sink == nil ? capacity : capacity + capacity / 2)
    }

    /// Where the next element of the open array goes, for writing elements apart (on other
    /// threads) with `init(element:at:)` and appending them in order with `append(element:)`.
    struct Position: Sendable {
        fileprivate var open: [(isObject: Bool, count: Int)]
    }

    var position: Position { Position(open: open) }

    /// A writer of the element `offset` places after the next one of the array open at
    /// `position`: its `bytes` are what this writer would write for it there, separator
    /// and indentation included.
    init(element offset: Int, at position: Position, capacity: Int = 1 << 12) {
        sink = nil
        flushThreshold = capacity
        bytes.reserveCapacity(capacity)
        open = position.open
        open[open.count - 1].count += offset
    }

    /// Appends an element of the open array written apart (`init(element:at:)`, in order).
    mutating func append(element: [UInt8]) {
        if sink != nil, bytes.count >= flushThreshold { flush() }
        bytes += element
        open[open.count - 1].count += 1
    }

    /// Hands what is left to the sink.
    mutating func flush() {
        guard let sink, !bytes.isEmpty else { return }
        sink(bytes[...])
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
    }

    // MARK: - Containers

    mutating func beginObject() {
        if sink != nil, bytes.count >= flushThreshold { flush() }
        beginValue(); bytes.append(UInt8(ascii: "{")); bytes.append(UInt8(ascii: "\n")); open.append((true, 0)) }
    mutating func endObject() { end(UInt8(ascii: "}")) }
    mutating func beginArray() { beginValue(); bytes.append(UInt8(ascii: "[")); bytes.append(UInt8(ascii: "\n")); open.append((false, 0)) }
    mutating func endArray() { end(UInt8(ascii: "]")) }

    /// Starts the member `key` of the open object; the next value written is its value.
    mutating func key(_ key: String) {
        separate()
        PrettyJSONEncoder.writeString(key, into: &bytes)
        bytes += " : ".utf8
        pendingKey = true
    }

    // MARK: - Values

    mutating func string(_ value: String) { beginValue(); PrettyJSONEncoder.writeString(value, into: &bytes) }
    mutating func int(_ value: Int) { beginValue(); bytes += String(value).utf8 }
    mutating func bool(_ value: Bool) { beginValue(); bytes += (value ? "true" : "false").utf8 }
    mutating func null() { beginValue(); bytes += "null".utf8 }
    /// A finite number as Swift prints it, without a trailing `.0`; non-finite numbers are
    /// written as null (callers turn them into strings first).
    mutating func double(_ value: Double) {
        guard let text = try? PrettyJSONEncoder.number(value, at: []) else { return null() }
        beginValue()
        bytes += text
    }

    // Convenience: a member with a value.
    mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    mutating func field(_ name: String, _ value: String?) { if let value { key(name); string(value) } }
    mutating func field(_ name: String, _ value: Int) { key(name); int(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }
    mutating func field(_ name: String, strings: [String]) {
        key(name)
        beginArray()
        for value in strings { string(value) }
        endArray()
    }

    // MARK: - Layout

    private var pendingKey = false

    /// Before a value: in an array, the separator and indentation; after a key, nothing.
    private mutating func beginValue() {
        if pendingKey {
            pendingKey = false
        } else if let last = open.last, !last.isObject {
            separate()
        }
    }

    private mutating func separate() {
        guard !open.isEmpty else { return }
        if open[open.count - 1].count > 0 { bytes += ",\n".utf8 }
        open[open.count - 1].count += 1
        PrettyJSONEncoder.indent(open.count, into: &bytes)
    }

    private mutating func end(_ close: UInt8) {
        open.removeLast()
        bytes.append(UInt8(ascii: "\n"))
        PrettyJSONEncoder.indent(open.count, into: &bytes)
        bytes.append(close)
    }
}
