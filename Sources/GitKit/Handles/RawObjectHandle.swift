internal import CLibGit2

/// Owns a `git_odb_object`: an object's type and bytes straight from the object database.
final class RawObjectHandle {
    let pointer: OpaquePointer
    private let database: ObjectDatabaseHandle

    /// Takes ownership of a `git_odb_object` read from `database`.
    init(adopting pointer: OpaquePointer, database: ObjectDatabaseHandle) {
        self.pointer = pointer
        self.database = database
    }

    deinit {
        git_odb_object_free(pointer)
    }

    var kind: git_object_t {
        git_odb_object_type(pointer)
    }

    /// The bytes, copied (the buffer belongs to the object).
    var bytes: [UInt8] {
        let size = git_odb_object_size(pointer)
        guard size > 0, let raw = git_odb_object_data(pointer) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}
