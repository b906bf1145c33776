/// Reads the SSH wire encoding (RFC 4251 §5: `uint32`, `string`, `mpint`) from a buffer.
///
/// Every read checks the length against what is left first, so hostile lengths (up to
/// 4 GiB in a `uint32`) fail with a reason instead of reading past the end.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The number of unread bytes.
    var remaining: Int { bytes.count - offset }

    /// Reads `count` raw bytes (no length prefix).
    mutating func readBytes(_ count: Int, _ what: String) throws(SSHFormatError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw SSHFormatError("\(what) needs \(count) bytes but only \(remaining) are left")
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a big-endian `uint32`.
    mutating func readUInt32(_ what: String) throws(SSHFormatError) -> UInt32 {
        let raw = try readBytes(4, what)
        return raw.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reads a `string`: a `uint32` length, then that many bytes.
    mutating func readString(_ what: String) throws(SSHFormatError) -> [UInt8] {
        let length = try readUInt32("the length of " + what)
        guard Int(length) <= remaining else {
            throw SSHFormatError("\(what) claims \(length) bytes but only \(remaining) are left")
        }
        return try readBytes(Int(length), what)
    }

    /// Reads a `string` that names something (an algorithm, a namespace): printable ASCII.
    mutating func readName(_ what: String) throws(SSHFormatError) -> String {
        let raw = try readString(what)
        guard raw.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SSHFormatError("\(what) is not printable ASCII text")
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// Reads a non-negative `mpint` and returns its magnitude without leading zero bytes,
    /// refusing negative values and values over 16384 bits, as OpenSSH does.
    mutating func readMPInt(_ what: String) throws(SSHFormatError) -> [UInt8] {
        let raw = try readString(what)
        if let first = raw.first, first & 0x80 != 0 {
            throw SSHFormatError("\(what) is negative")
        }
        let magnitude = Array(raw.drop(while: { $0 == 0 }))
        guard magnitude.count <= SSHWireReader.maximumIntegerBytes else {
            throw SSHFormatError("\(what) is longer than 16384 bits")
        }
        return magnitude
    }

    /// Fails unless every byte has been read.
    func expectEnd(_ what: String) throws(SSHFormatError) {
        guard remaining == 0 else {
            throw SSHFormatError("\(what) has \(remaining) unexpected trailing bytes")
        }
    }

    /// OpenSSH's `SSHBUF_MAX_BIGNUM`.
    static let maximumIntegerBytes = 16384 / 8
}

/// Writes the SSH wire encoding.
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func appendRaw(_ raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    mutating func appendUInt32(_ value: UInt32) {
        bytes.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) })
    }

    mutating func appendString(_ raw: some Collection<UInt8>) {
        appendUInt32(UInt32(raw.count))
        bytes.append(contentsOf: raw)
    }

    mutating func appendString(_ text: String) {
        appendString(Array(text.utf8))
    }
}
