/// The character encodings YAML 1.2 allows (§5.2): UTF-8, UTF-16 and UTF-32, big or little
/// endian, told apart by a byte order mark or, without one, by the NUL bytes around the
/// first character (which is ASCII in every YAML document that starts with a key, a
/// comment or `---`). A file checked out as UTF-16 (`.gitattributes`
/// `working-tree-encoding=UTF-16`) is read exactly like its UTF-8 form in the index.
enum YAMLEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case utf16BigEndian = "UTF-16BE"
    case utf16LittleEndian = "UTF-16LE"
    case utf32BigEndian = "UTF-32BE"
    case utf32LittleEndian = "UTF-32LE"

    /// The encoding of `bytes` and the length of its byte order mark (0 if none).
    static func detect(_ bytes: [UInt8]) -> (encoding: YAMLEncoding, bomLength: Int) {
        func at(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        let (b0, b1, b2, b3) = (at(0), at(1), at(2), at(3))
        switch (b0, b1, b2, b3) {
        case (0x00, 0x00, 0xFE, 0xFF): return (.utf32BigEndian, 4)
        case (0xFF, 0xFE, 0x00, 0x00): return (.utf32LittleEndian, 4)
        case (0x00, 0x00, 0x00, let x?) where x != 0: return (.utf32BigEndian, 0)
        case (let x?, 0x00, 0x00, 0x00) where x != 0: return (.utf32LittleEndian, 0)
        case (0xEF, 0xBB, 0xBF, _): return (.utf8, 3)
        case (0xFE, 0xFF, _, _): return (.utf16BigEndian, 2)
        case (0xFF, 0xFE, _, _): return (.utf16LittleEndian, 2)
        case (0x00, let x?, _, _) where x != 0: return (.utf16BigEndian, 0)
        case (let x?, 0x00, _, _) where x != 0: return (.utf16LittleEndian, 0)
        default: return (.utf8, 0)
        }
    }

    /// Why `bytes` (after the byte order mark) cannot be decoded: the byte offset in the
    /// file and the problem.
    struct Failure: Error {
        var offset: Int
        var problem: String
    }

    /// The text as UTF-8, for the UTF-16 and UTF-32 encodings. Unpaired surrogates, code
    /// points past U+10FFFF and a trailing partial code unit are failures, never repaired
    /// (unless `lenient`: then each becomes U+FFFD, for guessing what a file is).
    func utf8(_ bytes: [UInt8], from start: Int, lenient: Bool = false) -> Result<[UInt8], Failure> {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = start
        let width = self == .utf16BigEndian || self == .utf16LittleEndian ? 2 : 4
        func unit(at i: Int) -> UInt32 {
            switch self {
            case .utf16BigEndian: return UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            case .utf16LittleEndian: return UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i])
            case .utf32BigEndian:
                return UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
            case .utf32LittleEndian:
                return UInt32(bytes[i + 3]) << 24 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i])
            case .utf8: return UInt32(bytes[i])
            }
        }
        func append(_ scalar: Unicode.Scalar) {
            var encoded: [UInt8] = []
            UTF8.encode(scalar) { encoded.append($0) }
            out += encoded
        }
        while index < bytes.count {
            var problem: String?
            var consumed = width
            if index + width > bytes.count {
                problem = "the file ends inside a \(rawValue) code unit"
                consumed = bytes.count - index
            } else {
                var scalar = unit(at: index)
                if width == 2, (0xD800...0xDFFF).contains(scalar) {
                    if scalar <= 0xDBFF, index + 4 <= bytes.count, (0xDC00...0xDFFF).contains(unit(at: index + 2)) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (unit(at: index + 2) - 0xDC00)
                        consumed = 4
                    } else {
                        problem = "unpaired surrogate \(YAMLTextCheck.hexCodePoint(scalar))"
                    }
                }
                if problem == nil {
                    if let valid = Unicode.Scalar(scalar) {
                        append(valid)
                    } else {
                        problem = "invalid code point \(YAMLTextCheck.hexCodePoint(scalar))"
                    }
                }
            }
            if let problem {
                guard lenient else { return .failure(Failure(offset: index, problem: problem)) }
                append("\u{FFFD}")
            }
            index += consumed
        }
        return .success(out)
    }

    /// The text of `bytes` as well as it can be had, for guessing what an unreadable file
    /// is: decoded with replacement characters, NUL bytes dropped.
    static func lenientText(_ bytes: [UInt8]) -> String {
        let (encoding, bom) = detect(bytes)
        if encoding != .utf8, case .success(let decoded) = encoding.utf8(bytes, from: bom, lenient: true) {
            return String(decoding: decoded.filter { $0 != 0 }, as: UTF8.self)
        }
        return String(decoding: bytes.dropFirst(bom).filter { $0 != 0 }, as: UTF8.self)
    }
}
