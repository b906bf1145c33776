import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished process left: its exit status and everything it wrote.
public struct ProcessOutput: Sendable {
    /// The exit status; `128 + signal` when a signal ended the process (as a shell reports it).
    public var status: Int32
    public var stdoutBytes: [UInt8]
    public var stderrBytes: [UInt8]
    /// Whether the process was killed because it outlived its time limit.
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdoutBytes: [UInt8], stderrBytes: [UInt8], timedOut: Bool = false) {
        self.status = status
        self.stdoutBytes = stdoutBytes
        self.stderrBytes = stderrBytes
        self.timedOut = timedOut
        stdout = String(decoding: stdoutBytes, as: UTF8.self)
        stderr = String(decoding: stderrBytes, as: UTF8.self)
    }

    public init(status: Int32, stdout: String, stderr: String) {
        self.init(status: status, stdoutBytes: Array(stdout.utf8), stderrBytes: Array(stderr.utf8))
    }

    /// stdout without its trailing newlines.
    public var text: String {
        var text = stdout
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// A test's failure to set up what it needs (a command that failed, a missing file).
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
    public init(description: String) { self.description = description }
}

/// Runs a program and collects its standard output and standard error **concurrently**: one
/// `poll` loop drains both pipes (and feeds standard input) as they become ready, so a child
/// that fills one pipe while the test waits on the other cannot deadlock.
///
/// On Linux the child is started with `posix_spawn` (Foundation's `Process` costs about 40 ms a
/// launch there, which the signature differential test, some 700 launches, would feel).
public enum ProcessRunner {
    /// The test process's environment without `NO_COLOR`, with `overrides` applied.
    public static func inheritedEnvironment(overriding overrides: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NO_COLOR")
        environment.merge(overrides) { _, new in new }
        return environment
    }

    /// Runs `executable` (a path) with `arguments` in `directory` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment (default: the test process's).
    ///   - stdin: bytes written to its standard input, which is then closed (default: empty).
    ///   - timeout: seconds after which the child is killed (`SIGKILL`); `timedOut` tells.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String]? = nil, stdin: [UInt8]? = nil, timeout: TimeInterval? = nil
    ) throws -> ProcessOutput {
        _ = ignoreBrokenPipes
        let executable = URL(fileURLWithPath: executable).path
        let environment = environment ?? ProcessInfo.processInfo.environment
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        #if os(Linux)
        if let addChdir = chdirAction() {
            return try spawn(executable, arguments, in: directory, environment: environment,
                             stdin: stdin ?? [], deadline: deadline, addChdir: addChdir)
        }
        #endif
        return try launch(executable, arguments, in: directory, environment: environment,
                          stdin: stdin ?? [], deadline: deadline)
    }

    /// Writing to a child that has exited must be an error (EPIPE), not the end of the tests.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private static func decode(waitStatus status: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    #if os(Linux)
    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which the Glibc module does not
    /// declare.
    private static func chdirAction() -> AddChdir? {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], in directory: URL?, environment: [String: String],
        stdin: [UInt8], deadline: Date?, addChdir: AddChdir
    ) throws -> ProcessOutput {
        let input = try makePipe(), output = try makePipe(), errors = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        if let directory { _ = addChdir(&actions, directory.path) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        for fd in [input.read, output.write, errors.write] { close(fd) }
        guard rc == 0 else {
            for fd in [input.write, output.read, errors.read] { close(fd) }
            throw TestSupportError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        let collected = pump(stdin: input.write, input: stdin, stdout: output.read, stderr: errors.read,
                             deadline: deadline) { _ = kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestSupportError("waitpid failed: \(errno)") }
        }
        return ProcessOutput(status: decode(waitStatus: status), stdoutBytes: collected.stdout,
                             stderrBytes: collected.stderr, timedOut: collected.timedOut)
    }

    /// A pipe whose ends are not inherited by other children (only the dup2'd copies are).
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TestSupportError("pipe failed: \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
    #endif

    /// The portable path: Foundation's `Process`, with the same concurrent collection.
    private static func launch(
        _ executable: String, _ arguments: [String], in directory: URL?, environment: [String: String],
        stdin: [UInt8], deadline: Date?
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The pump owns its descriptors: duplicate the parent's ends and let Foundation close
        // its own, together with the child's ends.
        let fds = (dup(input.fileHandleForWriting.fileDescriptor), dup(output.fileHandleForReading.fileDescriptor),
                   dup(errors.fileHandleForReading.fileDescriptor))
        for handle in [input.fileHandleForReading, input.fileHandleForWriting, output.fileHandleForReading,
                       output.fileHandleForWriting, errors.fileHandleForReading, errors.fileHandleForWriting] {
            try? handle.close()
        }
        let pid = process.processIdentifier
        let collected = pump(stdin: fds.0, input: stdin, stdout: fds.1, stderr: fds.2,
                             deadline: deadline) { _ = kill(pid, SIGKILL) }
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessOutput(status: status, stdoutBytes: collected.stdout, stderrBytes: collected.stderr,
                             timedOut: collected.timedOut)
    }

    /// Feeds `input` to `stdin` and drains `stdout` and `stderr` in one `poll` loop until both
    /// reach end of file; closes all three. Past `deadline`, calls `kill` once and keeps draining.
    private static func pump(
        stdin: Int32, input: [UInt8], stdout: Int32, stderr: Int32, deadline: Date?, kill: () -> Void
    ) -> (stdout: [UInt8], stderr: [UInt8], timedOut: Bool) {
        var writer: Int32? = stdin
        var written = 0
        var readers: [Int32: [UInt8]] = [stdout: [], stderr: []]
        var open: Set<Int32> = [stdout, stderr]
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)

        func finishWriting() {
            if let fd = writer { close(fd) }
            writer = nil
        }
        if input.isEmpty { finishWriting() } else { _ = fcntl(stdin, F_SETFL, fcntl(stdin, F_GETFL) | O_NONBLOCK) }

        while !open.isEmpty {
            var fds = open.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if let writer { fds.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            var wait: Int32 = -1
            if let deadline, !timedOut {
                wait = Int32(max(0, min(Double(Int32.max), deadline.timeIntervalSinceNow * 1000)).rounded(.up))
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                timedOut = true
                kill()
                continue
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == writer {
                    let count = input.count - written
                    let result = input.withUnsafeBytes { write(entry.fd, $0.baseAddress! + written, count) }
                    if result > 0 { written += result }
                    if written == input.count || (result < 0 && errno != EAGAIN && errno != EINTR) {
                        finishWriting()
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress!, $0.count) }
                if count > 0 {
                    readers[entry.fd, default: []] += buffer[0..<count]
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    open.remove(entry.fd)
                    close(entry.fd)
                }
            }
        }
        for fd in open { close(fd) }
        finishWriting()
        return (readers[stdout] ?? [], readers[stderr] ?? [], timedOut)
    }
}
