import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TollgateTestSupport
import XCTest

/// A real MLflow tracking server (PyPI `mlflow`) on localhost with a SQLite backend and a
/// local artifact root in a temporary directory, and the MLflow client to log runs to it.
///
/// Tests skip, loudly, only when `mlflow` cannot be imported and `TOLLGATE_REQUIRE_MLFLOW` is
/// unset; `.ci/run` sets it, so CI fails instead of skipping.
final class MLflowServer {
    let directory: URL
    let port: Int
    let process: Process
    var uri: String { "http://127.0.0.1:\(port)" }

    static let python = ProcessInfo.processInfo.environment["TOLLGATE_PYTHON"] ?? "python3"

    /// Skips (or, under TOLLGATE_REQUIRE_MLFLOW, fails) when the `mlflow` package is missing.
    static func requireMLflow() throws {
        let probe = try? GitSandbox.run("/usr/bin/env", [python, "-c", "import mlflow"], in: FileManager.default.temporaryDirectory)
        if probe?.status == 0 { return }
        let why = "the Python package mlflow cannot be imported by \(python) (\(probe?.stderr.split(separator: "\n").last ?? "not run")): pip install mlflow"
        if ProcessInfo.processInfo.environment["TOLLGATE_REQUIRE_MLFLOW"].map({ !$0.isEmpty }) == true {
            throw TestSupportError("TOLLGATE_REQUIRE_MLFLOW is set but \(why)")
        }
        FileHandle.standardError.write(Data("\n*** SKIPPING the MLflow import tests: \(why); set TOLLGATE_REQUIRE_MLFLOW=1 to make this a failure ***\n\n".utf8))
        throw XCTSkip("SKIPPED: \(why)")
    }

    /// A port nothing listens on right now.
    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw TestSupportError("socket() failed") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic -> Int32 in
                guard bind(socketFD, generic, length) == 0 else { return -1 }
                return getsockname(socketFD, generic, &length)
            }
        }
        guard bound == 0 else { throw TestSupportError("cannot bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `mlflow server` and waits until `/health` answers.
    init() throws {
        try Self.requireMLflow()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-mlflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Its own process group (pgid = its pid), so stopping it stops gunicorn's workers too.
        process.arguments = [Self.python, "-c", "import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])",
                             Self.python, "-m", "mlflow", "server",
                             "--backend-store-uri", "sqlite:///\(directory.path)/mlflow.db",
                             "--default-artifact-root", directory.appendingPathComponent("artifacts").path,
                             "--host", "127.0.0.1", "--port", String(port), "--workers", "1"]
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if Self.get("\(uri)/health")?.status == 200 { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        stop()
        throw TestSupportError("mlflow server did not answer /health on \(uri) within 120 s:\n\(output.suffix(2000))")
    }

    func stop() {
        if process.isRunning {
            kill(-process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(-process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// Logs a run with the MLflow client: `script` is Python run after `import mlflow` inside
    /// `with mlflow.start_run() as run:` (indent it by four spaces). Returns the run id.
    func logRun(_ body: String, in workingDirectory: URL) throws -> String {
        let script = directory.appendingPathComponent("log-\(UUID().uuidString).py")
        try """
            import mlflow
            from mlflow.data.meta_dataset import MetaDataset
            from mlflow.data.http_dataset_source import HTTPDatasetSource
            mlflow.set_tracking_uri("\(uri)")
            with mlflow.start_run(run_name="distill") as run:
            \(body)
            print("RUN-ID", run.info.run_id)

            """.write(to: script, atomically: true, encoding: .utf8)
        let result = try GitSandbox.run("/usr/bin/env", [Self.python, script.path], in: workingDirectory,
                                        environment: ["GIT_PYTHON_REFRESH": "quiet"])
        guard result.status == 0,
              let line = result.stdout.split(separator: "\n").last(where: { $0.hasPrefix("RUN-ID ") }) else {
            throw TestSupportError("logging the MLflow run failed (\(result.status)):\n\(result.stderr.suffix(3000))")
        }
        return String(line.dropFirst("RUN-ID ".count))
    }

    /// A GET's status and body, or nil when nothing answers.
    static func get(_ url: String) -> (status: Int, body: Data)? {
        guard let url = URL(string: url) else { return nil }
        final class Box: @unchecked Sendable { var value: (Int, Data)? }
        let box = Box()
        let semaphore = DispatchSemaphore(value: 0)
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse { box.value = (response.statusCode, data ?? Data()) }
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return box.value
    }
}
