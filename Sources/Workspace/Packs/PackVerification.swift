import Documents
import Policy

/// What `policy check` makes of the vendored packs of a snapshot: each file under the pack
/// directory must be what the lock pins, and the lock must pin what the Config names. It
/// reads only the snapshot — never the network, never the pack's repository.
///
/// Every difference is a blocking `pack/lock` finding that names the lock, located at the
/// vendored file (or the Config's entry, or the lock's); the files of a pack that does not
/// verify are left out of the trusted data, so rules nobody pinned never judge anything.
struct PackVerification: Sendable {
    static let ruleID = "pack/lock"

    var findings: [Finding] = []
    /// Vendored files that are not what the lock pins: not read as policies.
    var untrusted: Set<String> = []

    /// The files every finding is about, reported in every mode whatever the change selects.
    var files: Set<String> { Set(findings.map(\.subject.file)) }

    init() {}

    init(_ snapshot: Snapshot, config: ProjectConfig) {
        let directory = config.packDirectory
        let lockFile = config.packLockFile
        let vendored = snapshot.paths.filter { $0.hasPrefix(directory) && $0 != lockFile && $0 != config.packAttributesFile }
        let hasLock = snapshot.paths.contains(lockFile)
        // Without packs and without a lock, `vendor/` is an ordinary policy directory (a
        // repository may have used that name before packs existed).
        guard !config.packs.isEmpty || hasLock else { return }
        let configFile = config.file ?? ProjectConfig.fileName

        var lock = PackLock(entries: [])
        if hasLock {
            let bytes: [UInt8]
            do {
                bytes = try snapshot.read(lockFile)
            } catch {
                block(lockFile, "\(lockFile) cannot be read (\(error.localizedDescription)): no vendored pack is trusted; run `policy pack update`",
                      at: .start(of: lockFile))
                untrusted.formUnion(vendored)
                return
            }
            let (read, problems) = PackLock.read(bytes, file: lockFile)
            guard let read else {
                for problem in problems {
                    block(lockFile, "\(lockFile) is damaged: \(problem.message); no vendored pack is trusted; run `policy pack update`",
                          at: problem.location)
                }
                untrusted.formUnion(vendored)
                return
            }
            lock = read
        }

        var accounted: Set<String> = []
        for pack in config.packs {
            let packDirectory = directory + pack.name + "/"
            let files = vendored.filter { $0.hasPrefix(packDirectory) }
            accounted.formUnion(files)
            guard let entry = lock.entry(pack.name) else {
                block(configFile, "policy pack '\(pack.name)' is named in \(configFile) but \(hasLock ? "has no entry in \(lockFile)" : "was never vendored (there is no \(lockFile))"): run `policy pack update` and commit \(packDirectory) and \(lockFile)",
                      at: pack.location)
                untrusted.formUnion(files)
                continue
            }
            var problems = 0
            func differs(_ what: String, _ asked: String, _ pinned: String) {
                problems += 1
                block(configFile, "\(configFile) asks for \(what) \(asked) of policy pack '\(pack.name)' but \(lockFile) pins \(pinned): run `policy pack update \(pack.name)`",
                      at: pack.location, notes: entry.location.map { [.init("pinned here", at: $0)] } ?? [])
            }
            if entry.source != pack.source { differs("source", "'\(pack.displaySource)'", "'\(PackSpec.redacted(entry.source))'") }
            if entry.ref != pack.ref { differs("ref", "'\(pack.ref)'", "'\(entry.ref)' (commit \(entry.commit.prefix(12)))") }
            if entry.path != pack.path { differs("path", "'\(pack.path)'", "'\(entry.path)'") }
            if let digest = pack.digest, digest != entry.digest {
                problems += 1
                block(configFile, "\(configFile) pins digest \(digest) for policy pack '\(pack.name)' but \(lockFile) pins \(entry.digest): the vendored pack is not the one the Config names",
                      at: pack.digestLocation ?? pack.location, notes: entry.location.map { [.init("pinned here", at: $0)] } ?? [])
            }
            if entry.content.digest != entry.digest {
                problems += 1
                block(lockFile, "\(lockFile) is inconsistent: the files it lists for policy pack '\(pack.name)' have digest \(entry.content.digest), not the \(entry.digest) it pins; run `policy pack update \(pack.name)`",
                      at: entry.location ?? .start(of: lockFile))
            }
            problems += verifyFiles(of: pack.name, entry: entry, files: files, in: snapshot, directory: packDirectory, lockFile: lockFile)
            if problems > 0 { untrusted.formUnion(files) }
        }

        for entry in lock.entries where !config.packs.contains(where: { $0.name == entry.name }) {
            let packDirectory = directory + entry.name + "/"
            let files = vendored.filter { $0.hasPrefix(packDirectory) }
            accounted.formUnion(files)
            untrusted.formUnion(files)
            block(lockFile, "\(lockFile) pins policy pack '\(entry.name)', which \(configFile) does not name: run `policy pack update` to remove it",
                  at: entry.location ?? .start(of: lockFile))
        }
        for file in vendored where !accounted.contains(file) {
            untrusted.insert(file)
            block(file, "\(file) is in the pack directory \(directory) but belongs to no pack pinned in \(lockFile): only `policy pack update` writes there (put the team's own policies beside it)",
                  at: .start(of: file))
        }
    }

    /// Compares each vendored file of one pack with the lock; returns how many differ.
    private mutating func verifyFiles(of name: String, entry: PackLock.Entry, files: [String], in snapshot: Snapshot,
                                      directory: String, lockFile: String) -> Int {
        var problems = 0
        let present = Set(files)
        for relative in entry.content.sortedPaths {
            let file = directory + relative
            let pinned = entry.content.files[relative]!
            let pinnedAt = entry.fileLocations[relative] ?? entry.location ?? .start(of: lockFile)
            guard present.contains(file) else {
                problems += 1
                block(file, "\(file) of policy pack '\(name)' is missing: \(lockFile) pins it (sha256 \(pinned.prefix(12))…); run `policy pack update \(name)` to restore the pack",
                      at: .start(of: file), notes: [.init("pinned here", at: pinnedAt)])
                continue
            }
            let found: String
            do {
                found = ContentHash.sha256Hex(try snapshot.read(file))
            } catch {
                found = "unreadable (\(error.localizedDescription))"
            }
            if found != pinned {
                problems += 1
                block(file, "\(file) of policy pack '\(name)' is not the content \(lockFile) pins (sha256 \(pinned.prefix(12))…, found \(found.prefix(12))…): vendored files change only through `policy pack update`",
                      at: .start(of: file), notes: [.init("pinned here", at: pinnedAt)])
            }
        }
        for file in files where entry.content.files[String(file.dropFirst(directory.count))] == nil {
            problems += 1
            block(file, "\(file) is not part of policy pack '\(name)' as \(lockFile) pins it (commit \(entry.commit.prefix(12))): vendored files change only through `policy pack update`",
                  at: .start(of: file), notes: entry.location.map { [.init("pack pinned here", at: $0)] } ?? [])
        }
        return problems
    }

    private mutating func block(_ file: String, _ message: String, at location: SourceLocation, notes: [Finding.Note] = []) {
        findings.append(Finding(ruleID: Self.ruleID, subject: Subject(kind: nil, name: nil, file: file), severity: .block,
                                message: message, location: location, notes: notes))
    }
}
