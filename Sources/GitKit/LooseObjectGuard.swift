import Foundation
internal import CLibGit2

/// An object database backend that reads loose objects in place of libgit2's own.
///
/// libgit2 1.5.1 (Debian 12) loops forever when it inflates a loose object whose file was cut
/// short (libgit2 issue 7342: `git_zstream_get_output` waits for output that a truncated zlib
/// stream never gives). Every libgit2 call that touches object data can reach such a read —
/// a lookup, a peel, a diff, a status, a revision walk, a merge base, the notes — and most read
/// objects GitKit never names (a diff reads the subtrees, a walk the parents), so checking
/// objects before calling libgit2 cannot cover them. Instead this backend sits in every
/// repository's object database, ahead of libgit2's loose backend, and inflates loose objects
/// itself with zlib in a loop that stops when the input stops: a damaged loose object is an
/// error naming the object and its file at once, never a hang. What it returns is hashed and
/// compared with the id here (libgit2's strict hash verification is off: ObjectVerification).
///
/// Objects in packs are read by libgit2's pack backend as before. A loose object this backend
/// cannot judge (larger than 4 GiB, or git's old "packlike" loose format) is passed on to
/// libgit2. The watchdog (`LibGit2Watch`) remains the last resort for any other read that
/// never returns.
enum LooseObjectGuard {
    /// libgit2's packs have priority 2 and its loose objects 1: ours must come before the
    /// latter, and come after or beside the former (objects found in a pack are not looked for here).
    static let priority: Int32 = 2

    /// Adds the backend to the object database of `repository`.
    static func install(in repository: OpaquePointer) throws(GitError) {
        var database: OpaquePointer?
        try check(git_repository_odb(&database, repository), "cannot open the object database")
        let odb = try unwrap(database, "cannot open the object database")
        defer { git_odb_free(odb) }
        let common = String(gitString: git_repository_commondir(repository))
        let objects = (common.hasSuffix("/") ? common : common + "/") + "objects"
        let backend = try makeBackend(objectsDirectory: objects)
        let rc = git_odb_add_backend(odb, backend, priority)
        if rc < 0 {
            backend.pointee.free?(backend)
            try check(rc, "cannot prepare the object database")
        }
    }

    /// What a backend needs besides libgit2's struct, stored right after it.
    final class Context {
        let objectsDirectory: String
        init(objectsDirectory: String) { self.objectsDirectory = objectsDirectory }
    }

    private static let contextOffset = (MemoryLayout<git_odb_backend>.stride + 15) & ~15

    private static func makeBackend(objectsDirectory: String) throws(GitError) -> UnsafeMutablePointer<git_odb_backend> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: contextOffset + MemoryLayout<UnsafeMutableRawPointer>.stride, alignment: 16)
        let backend = raw.bindMemory(to: git_odb_backend.self, capacity: 1)
        backend.initialize(to: git_odb_backend())
        guard git_odb_init_backend(backend, UInt32(GIT_ODB_BACKEND_VERSION)) == 0 else {
            raw.deallocate()
            throw GitError(code: .other(-1), message: "cannot prepare the object database: libgit2 refused a backend")
        }
        let context = Unmanaged.passRetained(Context(objectsDirectory: objectsDirectory)).toOpaque()
        (raw + contextOffset).storeBytes(of: context, as: UnsafeMutableRawPointer.self)
        backend.pointee.read = { data, length, kind, backend, id in
            guard let data, let length, let kind, let backend, let id else { return GIT_ERROR.rawValue }
            return LooseObjectGuard.read(id.pointee, backend: backend) { size, type, bytes in
                data.pointee = bytes
                length.pointee = size
                kind.pointee = type
            }
        }
        backend.pointee.read_header = { length, kind, backend, id in
            guard let length, let kind, let backend, let id else { return GIT_ERROR.rawValue }
            return LooseObjectGuard.read(id.pointee, backend: backend, headerOnly: true) { size, type, _ in
                length.pointee = size
                kind.pointee = type
            }
        }
        backend.pointee.free = { backend in
            guard let backend else { return }
            let raw = UnsafeMutableRawPointer(backend)
            Unmanaged<Context>.fromOpaque(raw.load(fromByteOffset: LooseObjectGuard.contextOffset, as: UnsafeMutableRawPointer.self)).release()
            backend.deinitialize(count: 1)
            raw.deallocate()
        }
        return backend
    }

    private static func context(of backend: UnsafeMutablePointer<git_odb_backend>) -> Context {
        let raw = UnsafeMutableRawPointer(backend)
        return Unmanaged<Context>.fromOpaque(raw.load(fromByteOffset: LooseObjectGuard.contextOffset, as: UnsafeMutableRawPointer.self))
            .takeUnretainedValue()
    }

    /// Reads one loose object for libgit2: GIT_ENOTFOUND when there is no loose file (libgit2
    /// then asks its other backends), GIT_PASSTHROUGH for a file this reader leaves to libgit2,
    /// an error naming the object and the file when it is damaged.
    private static func read(
        _ oid: git_oid, backend: UnsafeMutablePointer<git_odb_backend>, headerOnly: Bool = false,
        _ deliver: (Int, git_object_t, UnsafeMutableRawPointer?) -> Void
    ) -> Int32 {
        let id = ObjectID(oid)
        let hex = id.hex
        let path = context(of: backend).objectsDirectory + "/" + String(hex.prefix(2)) + "/" + String(hex.dropFirst(2))
        guard let compressed = FileManager.default.contents(atPath: path) else { return GIT_ENOTFOUND.rawValue }
        do {
            let object = try compressed.withUnsafeBytes { (bytes) throws(Damage) in
                try LooseObject.inflate(
                    bytes, headerOnly: headerOnly,
                    allocate: { size in git_odb_backend_data_alloc(backend, size) },
                    release: { data in git_odb_backend_data_free(backend, data) })
            }
            guard let object else { return GIT_PASSTHROUGH.rawValue }
            if !headerOnly {
                do {
                    try ObjectVerification.verify(id, kind: object.kind, content: object.data, count: object.size)
                } catch {
                    git_odb_backend_data_free(backend, object.data)
                    throw Damage(reason: "its content does not match its id")
                }
            }
            deliver(object.size, object.kind, object.data)
            return 0
        } catch {
            let reason = (error as? Damage)?.reason ?? "\(error)"
            git_error_set_str(Int32(GIT_ERROR_ODB.rawValue), "object \(id.hex) is damaged: \(reason) (loose object file \(path); run `git fsck`)")
            return GIT_ERROR.rawValue
        }
    }

    struct Damage: Error {
        var reason: String
    }
}

/// A loose object file's content: zlib-compressed `<type> <size>\0<bytes>`.
enum LooseObject {
    /// An inflated object; `data` (nil when only the header was asked for) holds `size` bytes
    /// and a NUL after them, allocated by the caller's allocator.
    struct Inflated {
        var kind: git_object_t
        var size: Int
        var data: UnsafeMutableRawPointer?
    }

    /// Inflates `compressed`, in a loop bounded by its input and output: every step consumes
    /// input or produces output, or the object is declared damaged.
    ///
    /// - Returns: nil for a file that is not a zlib stream this reader handles (libgit2 reads it).
    /// - Throws: `Damage` when the stream ends early, is invalid, or disagrees with its header.
    static func inflate(
        _ compressed: UnsafeRawBufferPointer, headerOnly: Bool = false,
        allocate: (Int) -> UnsafeMutableRawPointer?, release: (UnsafeMutableRawPointer) -> Void
    ) throws(LooseObjectGuard.Damage) -> Inflated? {
        guard compressed.count >= 2, compressed.count <= Int(UInt32.max),
              compressed[0] & 0x0F == 8, (UInt16(compressed[0]) << 8 | UInt16(compressed[1])) % 31 == 0 else {
            if compressed.count < 2 { throw LooseObjectGuard.Damage(reason: "its file is empty or cut short") }
            return nil
        }
        let stream = ZStream(compressed)
        try stream.begin()

        // The header: at most "commit 18446744073709551615\0" (28 bytes); 64 leaves room.
        let headBuffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64)
        defer { headBuffer.deallocate() }
        let (headLength, headEnded) = try stream.fill(UnsafeMutableRawPointer(headBuffer.baseAddress!), headBuffer.count)
        let head = Array(headBuffer[..<headLength])
        guard let nul = head.firstIndex(of: 0) else {
            throw LooseObjectGuard.Damage(reason: "its header is missing or too long")
        }
        let header = String(decoding: head[..<nul], as: UTF8.self)
        let parts = header.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, let kind = objectKind(parts[0]),
              !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let size = Int(parts[1]) else {
            throw LooseObjectGuard.Damage(reason: "its header \"\(header.prefix(40))\" is not `<type> <size>`")
        }
        // zlib cannot expand data more than about 1032 times: a larger size is a lie, and
        // allocating it could exhaust memory.
        guard size <= compressed.count * 1032 + 64 else {
            throw LooseObjectGuard.Damage(reason: "its header claims \(size) bytes, more than its compressed data can hold")
        }
        if headerOnly { return Inflated(kind: kind, size: size, data: nil) }

        let already = headLength - (nul + 1)
        guard already <= size else {
            throw LooseObjectGuard.Damage(reason: "it holds more than the \(size) bytes its header says")
        }
        guard let data = allocate(size + 1) else {
            throw LooseObjectGuard.Damage(reason: "cannot allocate \(size) bytes for it")
        }
        do {
            head.withUnsafeBytes { buffer in
                data.copyMemory(from: buffer.baseAddress! + nul + 1, byteCount: already)
            }
            var ended = headEnded
            var have = already
            if !ended {
                (have, ended) = try stream.fill(data + already, size - already)
                have += already
            }
            guard have == size else {
                throw LooseObjectGuard.Damage(reason: "it holds \(have) bytes, its header says \(size)")
            }
            if !ended {
                var probe: UInt8 = 0
                let (extra, _) = try stream.fill(&probe, 1)
                if extra > 0 { throw LooseObjectGuard.Damage(reason: "it holds more than the \(size) bytes its header says") }
            }
            data.storeBytes(of: 0, toByteOffset: size, as: UInt8.self)
            return Inflated(kind: kind, size: size, data: data)
        } catch let damage as LooseObjectGuard.Damage {
            release(data)
            throw damage
        } catch {
            release(data)
            throw LooseObjectGuard.Damage(reason: "\(error)")
        }
    }

    private static func objectKind(_ name: Substring) -> git_object_t? {
        switch name {
        case "commit": return GIT_OBJECT_COMMIT
        case "tree": return GIT_OBJECT_TREE
        case "blob": return GIT_OBJECT_BLOB
        case "tag": return GIT_OBJECT_TAG
        default: return nil
        }
    }
}

/// A zlib inflate stream over one buffer, whose every step must make progress. The
/// `z_stream` lives at a fixed address: zlib's state points back to it.
private final class ZStream {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var started = false

    init(_ input: UnsafeRawBufferPointer) {
        stream.initialize(to: z_stream())
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
    }

    deinit {
        if started { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func begin() throws(LooseObjectGuard.Damage) {
        guard inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LooseObjectGuard.Damage(reason: "zlib cannot start inflating it")
        }
        started = true
    }

    /// Inflates into `capacity` bytes at `output` until they are full or the stream ends.
    /// - Returns: the bytes written, and whether the stream ended.
    func fill(_ output: UnsafeMutableRawPointer, _ capacity: Int) throws(LooseObjectGuard.Damage) -> (Int, Bool) {
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        while stream.pointee.avail_out > 0 {
            let inputBefore = stream.pointee.avail_in
            let outputBefore = stream.pointee.avail_out
            let rc = CLibGit2.inflate(stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                return (capacity - Int(stream.pointee.avail_out), true)
            }
            guard rc == Z_OK || rc == Z_BUF_ERROR else {
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw LooseObjectGuard.Damage(reason: "its compressed data is invalid (zlib: \(detail))")
            }
            if stream.pointee.avail_in == inputBefore && stream.pointee.avail_out == outputBefore {
                throw LooseObjectGuard.Damage(reason: stream.pointee.avail_in == 0
                    ? "its compressed data ends early (the file is truncated)"
                    : "zlib makes no progress on it")
            }
        }
        return (capacity, false)
    }
}
