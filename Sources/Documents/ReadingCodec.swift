/// A compact binary form of a `DocumentLoader.Reading`, so that a reading can be kept between
/// runs (the local modes of `policy check` keep them under `.git/tollgate/`) and given back
/// exactly as the parser made it: every value, source text, scalar style, location and
/// diagnostic.
///
/// The file a reading belongs to is not written: locations in that file are written as file
/// number 0 and decoded into the path the reading is asked for, which is part of the key it
/// is kept under. Decoding checks every length, tag and bound and returns nil on anything
/// unexpected, so a damaged or foreign record is a cache miss, never a wrong document.
public enum ReadingCodec {
    /// Changes whenever the encoding changes; records of another version are not read.
    public static let version: UInt8 = 1

    public static func encode(_ reading: DocumentLoader.Reading, file: String) -> [UInt8] {
        var writer = Writer(file: file)
        switch reading {
        case .notTollgate:
            writer.byte(0)
        case .document(let document, let problems):
            writer.byte(1)
            writer.document(document)
            writer.diagnostics(problems)
        case .unreadable(let problems):
            writer.byte(2)
            writer.diagnostics(problems)
        }
        return writer.finish()
    }

    /// The reading `bytes[range]` encodes, with its locations in `file`; nil if the bytes
    /// are not exactly one reading of this version.
    public static func decode(_ bytes: [UInt8], _ range: Range<Int>, file: String) -> DocumentLoader.Reading? {
        bytes.withUnsafeBytes { decode($0, range, file: file) }
    }

    /// `decode` over memory the caller holds (a mapped store file) for the duration of the call.
    public static func decode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, file: String) -> DocumentLoader.Reading? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var reader = Reader(bytes: bytes, position: range.lowerBound, end: range.upperBound, files: [file])
        do {
            try reader.fileTable()
            let reading: DocumentLoader.Reading
            switch try reader.byte() {
            case 0: reading = .notTollgate
            case 1: reading = .document(try reader.document(), try reader.diagnostics())
            case 2: reading = .unreadable(try reader.diagnostics())
            default: return nil
            }
            return reader.position == reader.end ? reading : nil
        } catch {
            return nil
        }
    }

    // MARK: - Writing

    /// Writes the body first, then puts the table of the other files (rarely any) in front.
    fileprivate struct Writer {
        let file: String
        var body: [UInt8] = []
        var files: [String: Int] = [:]
        var fileOrder: [String] = []

        init(file: String) {
            self.file = file
            body.reserveCapacity(4096)
        }

        mutating func byte(_ value: UInt8) { body.append(value) }

        mutating func unsigned(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                body.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            body.append(UInt8(value))
        }

        mutating func count(_ value: Int) { unsigned(UInt64(value)) }

        mutating func signed(_ value: Int) {
            let value = Int64(value)
            unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        }

        mutating func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                count(utf8.count)
                body.append(contentsOf: utf8)
            }
        }

        mutating func location(_ location: SourceLocation) {
            if location.file == file {
                count(0)
            } else if let number = files[location.file] {
                count(number)
            } else {
                fileOrder.append(location.file)
                files[location.file] = fileOrder.count
                count(fileOrder.count)
            }
            count(max(0, location.line))
            count(max(0, location.column))
        }

        mutating func value(_ value: YAMLValue) {
            // tag: kind in the low 3 bits; style + 1 in bits 3–5 (0 = none); bit 6: text
            // present and different from the string value; bit 7: text equals the string.
            var tag: UInt8
            switch value.kind {
            case .null: tag = 0
            case .bool(let flag): tag = flag ? 2 : 1
            case .int: tag = 3
            case .double: tag = 4
            case .string: tag = 5
            case .list: tag = 6
            case .map: tag = 7
            }
            if let style = value.style { tag |= (ReadingCodec.code(of: style) + 1) << 3 }
            if let text = value.text {
                if case .string(let string) = value.kind, string == text { tag |= 0x80 } else { tag |= 0x40 }
            }
            byte(tag)
            location(value.location)
            if tag & 0x40 != 0, let text = value.text { string(text) }
            switch value.kind {
            case .null, .bool:
                break
            case .int(let number):
                signed(number)
            case .double(let number):
                unsigned(number.bitPattern)
            case .string(let text):
                string(text)
            case .list(let items):
                count(items.count)
                for item in items { self.value(item) }
            case .map(let map):
                count(map.entries.count)
                for entry in map.entries {
                    string(entry.key)
                    location(entry.keyLocation)
                    self.value(entry.value)
                }
            }
        }

        mutating func document(_ document: Document) {
            string(document.kind.rawValue)
            string(document.name)
            let labels = document.labels.sorted { $0.key < $1.key }
            count(labels.count)
            for (key, value) in labels {
                string(key)
                string(value)
            }
            if document.file == file {
                count(0)
            } else {
                count(1)
                string(document.file)
            }
            value(document.root)
            location(document.nameLocation)
        }

        mutating func diagnostics(_ diagnostics: [Diagnostic]) {
            count(diagnostics.count)
            for diagnostic in diagnostics {
                string(diagnostic.code.rawValue)
                string(diagnostic.severity.rawValue)
                string(diagnostic.message)
                location(diagnostic.location)
                count(diagnostic.notes.count)
                for note in diagnostic.notes {
                    string(note.message)
                    location(note.location)
                }
            }
        }

        mutating func finish() -> [UInt8] {
            var head = Writer(file: file)
            head.count(fileOrder.count)
            for other in fileOrder { head.string(other) }
            return head.body + body
        }
    }

    // MARK: - Reading

    fileprivate struct Malformed: Error {}

    fileprivate struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let end: Int
        var files: [String]
        var depth = 0

        /// Deeper than any reading the loader makes (its limit is 128), shallow enough for the stack.
        static let maxDepth = 512

        mutating func byte() throws(Malformed) -> UInt8 {
            guard position < end else { throw Malformed() }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func unsigned() throws(Malformed) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 64 else { throw Malformed() }
                result |= UInt64(next & 0x7f) << shift
                if next & 0x80 == 0 { return result }
                shift += 7
            }
        }

        mutating func count() throws(Malformed) -> Int {
            let value = try unsigned()
            guard value <= UInt64(Int.max) else { throw Malformed() }
            return Int(value)
        }

        /// A count of things that each take at least one byte: never more than what is left.
        mutating func elements() throws(Malformed) -> Int {
            let value = try unsigned()
            guard value <= UInt64(end - position) else { throw Malformed() }
            return Int(value)
        }

        mutating func signed() throws(Malformed) -> Int {
            let raw = try unsigned()
            let value = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
            guard let exact = Int(exactly: value) else { throw Malformed() }
            return exact
        }

        mutating func string() throws(Malformed) -> String {
            let length = try elements()
            defer { position += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]), as: UTF8.self)
        }

        mutating func fileTable() throws(Malformed) {
            let others = try elements()
            for _ in 0..<others { files.append(try string()) }
        }

        mutating func location() throws(Malformed) -> SourceLocation {
            let number = try count()
            guard number < files.count else { throw Malformed() }
            return SourceLocation(file: files[number], line: try count(), column: try count())
        }

        mutating func value() throws(Malformed) -> YAMLValue {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Reader.maxDepth else { throw Malformed() }
            let tag = try byte()
            let location = try location()
            var style: YAMLValue.ScalarStyle?
            let styleCode = (tag >> 3) & 0x7
            if styleCode != 0 {
                guard let known = ReadingCodec.style(styleCode - 1) else { throw Malformed() }
                style = known
            }
            var text: String? = tag & 0x40 != 0 ? try string() : nil
            let kind: YAMLValue.Kind
            switch tag & 0x7 {
            case 0: kind = .null
            case 1: kind = .bool(false)
            case 2: kind = .bool(true)
            case 3: kind = .int(try signed())
            case 4: kind = .double(Double(bitPattern: try unsigned()))
            case 5:
                let string = try string()
                if tag & 0x80 != 0 { text = string }
                kind = .string(string)
            case 6:
                let count = try elements()
                var items: [YAMLValue] = []
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try value()) }
                kind = .list(items)
            default:
                let count = try elements()
                var entries: [YAMLMap.Entry] = []
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try string()
                    let keyLocation = try self.location()
                    entries.append(YAMLMap.Entry(key: key, keyLocation: keyLocation, value: try value()))
                }
                kind = .map(YAMLMap(entries))
            }
            guard tag & 0xc0 != 0xc0, tag & 0x80 == 0 || tag & 0x7 == 5 else { throw Malformed() }
            return YAMLValue(kind, at: location, text: text, style: style)
        }

        mutating func document() throws(Malformed) -> Document {
            guard let kind = DocumentKind(rawValue: try string()) else { throw Malformed() }
            let name = try string()
            var labels: [String: String] = [:]
            for _ in 0..<(try elements()) {
                let key = try string()
                labels[key] = try string()
            }
            let file: String
            switch try count() {
            case 0: file = files[0]
            case 1: file = try string()
            default: throw Malformed()
            }
            let root = try value()
            return Document(kind: kind, name: name, labels: labels, file: file, root: root, nameLocation: try location())
        }

        mutating func diagnostics() throws(Malformed) -> [Diagnostic] {
            var result: [Diagnostic] = []
            for _ in 0..<(try elements()) {
                guard let code = Diagnostic.Code(rawValue: try string()),
                      let severity = Diagnostic.Severity(rawValue: try string()) else { throw Malformed() }
                let message = try string()
                let location = try location()
                var notes: [Diagnostic.Note] = []
                for _ in 0..<(try elements()) {
                    let note = try string()
                    notes.append(Diagnostic.Note(note, at: try self.location()))
                }
                result.append(Diagnostic(code, message, at: location, severity: severity, notes: notes))
            }
            return result
        }
    }

    private static func code(of style: YAMLValue.ScalarStyle) -> UInt8 {
        switch style {
        case .plain: return 0
        case .singleQuoted: return 1
        case .doubleQuoted: return 2
        case .literal: return 3
        case .folded: return 4
        }
    }

    private static func style(_ code: UInt8) -> YAMLValue.ScalarStyle? {
        switch code {
        case 0: return .plain
        case 1: return .singleQuoted
        case 2: return .doubleQuoted
        case 3: return .literal
        case 4: return .folded
        default: return nil
        }
    }
}

/// What a staged check needs to know of a document to decide whether it is read at all: its
/// kind, name and file and the spec texts that link documents (names of runs, cards, requests;
/// models, versions). Kept beside each reading in `.git/tollgate/readings`, so that the check
/// of one staged change decodes only the documents that change can reach.
public struct DocumentSummary: Hashable, Sendable {
    /// The spec fields kept: every field a link of `DocumentGraph` reads or matches on.
    public static let fields = DocumentGraph.summaryFields

    public var kind: DocumentKind
    public var name: String
    public var file: String
    /// `Document.text(field)` for each of `fields`, in that order (nil where it has none): one
    /// small array instead of a dictionary per document, since a staged check holds a summary
    /// of every document of the index.
    public var values: [String?]

    public init(_ document: Document) {
        kind = document.kind
        name = document.name
        file = document.file
        values = DocumentSummary.fields.map { document.text($0) }
    }

    public init(kind: DocumentKind, name: String, file: String, texts: [String: String]) {
        self.init(kind: kind, name: name, file: file, values: DocumentSummary.fields.map { texts[$0] })
    }

    public init(kind: DocumentKind, name: String, file: String, values: [String?]) {
        self.kind = kind
        self.name = name
        self.file = file
        self.values = values
    }

    /// The texts kept, by field.
    public var texts: [String: String] {
        var texts: [String: String] = [:]
        for (field, value) in zip(DocumentSummary.fields, values) { texts[field] = value }
        return texts
    }

    public func text(_ field: String) -> String? {
        guard let number = DocumentSummary.number(of: field), number < values.count else { return nil }
        return values[number]
    }

    /// The position of `field` in `fields` (a dozen short names: a scan beats hashing).
    @inline(__always)
    static func number(of field: String) -> Int? {
        var number = 0
        for known in fields {
            if known == field { return number }
            number += 1
        }
        return nil
    }

    public var reference: DocumentReference { DocumentReference(kind: kind, name: name) }

    /// The summary of a reading, as bytes in `ReadingCodec`'s encoding: a 0 byte for no
    /// document, else a 1 byte, the kind, the name, the number of texts, and each text after
    /// its field's number. Decoding takes exactly these bytes or nothing.
    public static func encode(_ reading: DocumentLoader.Reading) -> [UInt8] {
        guard case .document(let document, _) = reading else { return [0] }
        let summary = DocumentSummary(document)
        var writer = ReadingCodec.Writer(file: document.file)
        writer.byte(1)
        writer.string(summary.kind.rawValue)
        writer.string(summary.name)
        writer.count(summary.values.count(where: { $0 != nil }))
        for (number, value) in summary.values.enumerated() {
            guard let text = value else { continue }
            writer.count(number + 1)
            writer.string(text)
        }
        return writer.body
    }

    /// The summary `bytes[range]` holds, for a document in `file`: `.some(nil)` for a reading
    /// that is no document, nil when the bytes are not a summary.
    public static func decode(_ bytes: [UInt8], _ range: Range<Int>, file: String) -> DocumentSummary?? {
        bytes.withUnsafeBytes { decode($0, range, file: file) }
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, file: String) -> DocumentSummary?? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var reader = ReadingCodec.Reader(bytes: bytes, position: range.lowerBound, end: range.upperBound, files: [file])
        do {
            switch try reader.byte() {
            case 0:
                return reader.position == reader.end ? .some(nil) : nil
            case 1:
                guard let kind = DocumentKind(rawValue: try reader.string()) else { return nil }
                let name = try reader.string()
                var values = [String?](repeating: nil, count: fields.count)
                for _ in 0..<(try reader.elements()) {
                    let number = try reader.count()
                    guard number >= 1, number <= fields.count else { return nil }
                    values[number - 1] = try reader.string()
                }
                guard reader.position == reader.end else { return nil }
                return .some(DocumentSummary(kind: kind, name: name, file: file, values: values))
            default:
                return nil
            }
        } catch {
            return nil
        }
    }
}
