import Documents
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why an import could not be made. Printed as it is; exit 2.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// MLflow's REST API 2.0, the calls `policy import mlflow` makes
/// (https://mlflow.org/docs/latest/rest-api.html): `runs/get`, `artifacts/list`, and the
/// tracking server's `/get-artifact` for the bytes of an artifact. Synchronous: the command
/// does one thing at a time.
struct MLflowClient {
    /// The tracking server, without a trailing `/`.
    let base: URL
    /// The tracking URI as printed in messages and the manifest (credentials removed).
    let displayURI: String
    private let session: URLSession

    init(trackingURI: String) throws(ImportError) {
        var text = trackingURI.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false, let url = components.url else {
            throw ImportError("tracking URI '\(Self.redacted(trackingURI))' is not an http(s) URL of an MLflow tracking server (file stores and databricks URIs are not supported)")
        }
        base = url
        displayURI = Self.redacted(text)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.timeoutIntervalForResource = 6 * 3600
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// A URI without its `user:password@`.
    static func redacted(_ uri: String) -> String {
        guard var components = URLComponents(string: uri), components.user != nil || components.password != nil else { return uri }
        components.user = nil
        components.password = nil
        return components.string ?? uri
    }

    // MARK: Calls

    /// `GET /api/2.0/mlflow/runs/get?run_id=`: the run's `run` object.
    func run(id: String) throws(ImportError) -> [String: Any] {
        let object = try json("api/2.0/mlflow/runs/get", ["run_id": id], what: "run \(id)", runID: id)
        guard let run = object["run"] as? [String: Any] else {
            throw ImportError("the MLflow tracking server at \(displayURI) answered runs/get for run \(id) without a 'run' object: malformed answer")
        }
        return run
    }

    /// Every file under the run's artifact root (`artifacts/list`, directories walked, pages
    /// followed), sorted by path.
    func artifactFiles(runID: String) throws(ImportError) -> [(path: String, size: Int?)] {
        var files: [(path: String, size: Int?)] = []
        var directories = [""]
        var visited = 0
        while let directory = directories.popLast() {
            var pageToken: String?
            repeat {
                var query = ["run_id": runID]
                if !directory.isEmpty { query["path"] = directory }
                if let pageToken { query["page_token"] = pageToken }
                let object = try json("api/2.0/mlflow/artifacts/list", query, what: "the artifacts of run \(runID)", runID: runID)
                for entry in object["files"] as? [[String: Any]] ?? [] {
                    guard let path = entry["path"] as? String else {
                        throw ImportError("the MLflow tracking server at \(displayURI) listed an artifact of run \(runID) without a path: malformed answer")
                    }
                    if entry["is_dir"] as? Bool == true {
                        directories.append(path)
                    } else {
                        files.append((path, (entry["file_size"] as? NSNumber)?.intValue))
                    }
                }
                pageToken = object["next_page_token"] as? String
                if pageToken?.isEmpty == true { pageToken = nil }
                visited += 1
                if visited > 10_000 || files.count > 10_000 {
                    throw ImportError("run \(runID) on \(displayURI) has more than 10,000 artifact files or directories: name the artifacts to import by hand")
                }
            } while pageToken != nil
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The SHA-256, MD5 and size of one artifact's bytes, downloaded through `/get-artifact`
    /// to a temporary file and hashed a megabyte at a time.
    func checksums(runID: String, artifact path: String) throws(ImportError) -> (sha256: String, md5: String, size: Int) {
        let url = try endpoint("get-artifact", ["path": path, "run_uuid": runID])
        let box = Box<Result<(String, String, Int), ImportError>>()
        let semaphore = DispatchSemaphore(value: 0)
        let uri = displayURI
        let task = session.downloadTask(with: url) { file, response, error in
            defer { semaphore.signal() }
            if let error {
                box.value = .failure(Self.unreachable(uri, error))
                return
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard let file, (200..<300).contains(status) else {
                box.value = .failure(ImportError("the MLflow tracking server at \(uri) answered HTTP \(status) for artifact \(path) of run \(runID)"))
                return
            }
            guard let handle = try? FileHandle(forReadingFrom: file) else {
                box.value = .failure(ImportError("the download of artifact \(path) of run \(runID) cannot be read"))
                return
            }
            defer { try? handle.close() }
            var hasher = ContentHash.Streaming()
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
            }
            let (sha256, md5, size) = hasher.finalize()
            box.value = .success((sha256, md5, size))
        }
        task.resume()
        semaphore.wait()
        switch box.value {
        case .success(let (sha256, md5, size))?: return (sha256, md5, size)
        case .failure(let error)?: throw error
        case nil: throw ImportError("the download of artifact \(path) of run \(runID) from \(uri) did not finish")
        }
    }

    // MARK: HTTP

    private func endpoint(_ path: String, _ query: [String: String]) throws(ImportError) -> URL {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // `+` in a query reads as a space to many servers.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        guard let url = components?.url else { throw ImportError("cannot form the URL of \(path) on \(displayURI)") }
        return url
    }

    /// A GET whose answer is a JSON object; MLflow's errors (`error_code`, `message`) worded.
    private func json(_ path: String, _ query: [String: String], what: String, runID: String) throws(ImportError) -> [String: Any] {
        let url = try endpoint(path, query)
        let box = Box<Result<(Data, Int), ImportError>>()
        let semaphore = DispatchSemaphore(value: 0)
        let uri = displayURI
        let task = session.dataTask(with: url) { data, response, error in
            defer { semaphore.signal() }
            if let error {
                box.value = .failure(Self.unreachable(uri, error))
                return
            }
            box.value = .success((data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
        }
        task.resume()
        semaphore.wait()
        let data: Data, status: Int
        switch box.value {
        case .success(let (body, code))?: (data, status) = (body, code)
        case .failure(let error)?: throw error
        case nil: throw ImportError("the request for \(what) to \(uri) did not finish")
        }
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard (200..<300).contains(status) else {
            let code = object?["error_code"] as? String
            let message = object?["message"] as? String
            if code == "RESOURCE_DOES_NOT_EXIST" {
                throw ImportError("run \(runID) does not exist on the MLflow tracking server at \(uri) (RESOURCE_DOES_NOT_EXIST\(message.map { ": \($0)" } ?? ""))")
            }
            let detail = code.map { " (\($0)\(message.map { ": \($0)" } ?? ""))" }
                ?? (data.isEmpty ? "" : ": " + String(decoding: data.prefix(200), as: UTF8.self))
            throw ImportError("the MLflow tracking server at \(uri) answered HTTP \(status) for \(what)\(detail)")
        }
        guard let object else {
            let start = String(decoding: data.prefix(80), as: UTF8.self)
            throw ImportError("the MLflow tracking server at \(uri) answered \(path) for \(what) with malformed JSON (starts with \(YAMLText.quoted(start)))")
        }
        return object
    }

    private static func unreachable(_ uri: String, _ error: any Error) -> ImportError {
        ImportError("cannot reach the MLflow tracking server at \(uri): \(error.localizedDescription) (is `mlflow server` running there? set --tracking-uri or MLFLOW_TRACKING_URI)")
    }
}

/// A value written by a URLSession callback and read after the semaphore.
private final class Box<Value>: @unchecked Sendable {
    var value: Value?
}
