// Times GitKit's history walks on a repository, with whatever commit-graph it has:
//   swift build -c release --product GitKitBench
//   .build/release/GitKitBench <repository> <path>...
// Prints the time to open the commit-graph (checksum included), each path's `lastChange`
// from HEAD in a fresh `Repository` (no memo), then all paths in one walk
// (`accountableChanges(of:from:)`). Used for docs/performance.md; asserts nothing.
import Foundation
import GitKit

func milliseconds(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: GitKitBench <repository> <path>...\n".utf8))
    exit(2)
}
let paths = Array(arguments.dropFirst())
do {
    var start = DispatchTime.now()
    let repository = try Repository.discover(startingAt: arguments[0])
    guard let head = try repository.head() else { exit(1) }
    let graph = repository.commitGraph
    let open = milliseconds(start)
    if let graph {
        print(String(format: "commit-graph: %d commits, %d layer(s), Bloom %@; opened and checked in %.1f ms",
                     graph.commitCount, graph.layerCount, graph.bloomSettings.map { "v\($0.hashVersion)" } ?? "none", open))
    } else {
        print("commit-graph: none")
    }
    // GITKIT_BENCH_ONE_WALK=1: only the one walk (for CPU-time measurements with `perf stat`).
    for path in paths where ProcessInfo.processInfo.environment["GITKIT_BENCH_ONE_WALK"] == nil {
        let fresh = try Repository.discover(startingAt: arguments[0])
        start = DispatchTime.now()
        let answer = try fresh.lastChange(of: path, from: head)
        print(String(format: "lastChange %@: %@ in %.1f ms", path, answer?.short ?? "none", milliseconds(start)))
    }
    let fresh = try Repository.discover(startingAt: arguments[0])
    start = DispatchTime.now()
    let answers = try fresh.accountableChanges(of: paths, from: head)
    print(String(format: "%d paths in one walk: %.1f ms (%@)", paths.count, milliseconds(start),
                 paths.map { answers[$0]!?.short ?? "none" }.joined(separator: " ")))
} catch {
    print("error: \(error)")
    exit(1)
}
