import Documents
import Foundation

/// Per-subject work on every core: evaluating subjects (`Evaluator.evaluate`) and rendering
/// them (`JSONReporter`). Small runs stay on the calling thread: a pre-commit check of one
/// change does not pay for threads.
public enum Parallelism {
    /// How many threads per-subject work may use: `ProcessInfo.activeProcessorCount`, or
    /// `TOLLGATE_THREADS` when set to a positive number (for measuring, and for the tests
    /// that compare a run on one thread with a run on several).
    public static let threads: Int = {
        if let text = ProcessInfo.processInfo.environment["TOLLGATE_THREADS"], let count = Int(text), count > 0 {
            return count
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// Below this many items the work runs on the calling thread.
    public static let threshold = 64
    /// Items a thread takes at a time.
    public static let chunkSize = 16

    /// Whether `count` items are worth the threads.
    public static func isWorthThreads(_ count: Int) -> Bool {
        count >= threshold && threads > 1
    }

    /// `items.map(body)`, in order: on up to `threads` threads (large stacks, like parsing),
    /// each taking `chunkSize` items at a time, when `isWorthThreads(items.count)`; else on
    /// the calling thread. `body` must be independent for each item.
    public static func map<Item: Sendable, T: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) -> T) -> [T] {
        guard isWorthThreads(items.count) else { return items.map(body) }
        let chunks = (items.count + chunkSize - 1) / chunkSize
        return DocumentLoader.inParallel(chunks, maxThreads: threads) { chunk in
            items[(chunk * chunkSize)..<min(items.count, (chunk + 1) * chunkSize)].map(body)
        }.flatMap { $0 }
    }
}
