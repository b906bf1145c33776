import Foundation

extension DocumentLoader {
    /// Reads many files, in parallel on as many large-stack threads as there are cores
    /// (at most `maxThreads`), and returns their readings in the order given.
    ///
    /// Parsing is pure work on bytes; the threads share nothing but the result slots, one
    /// each. A full check reads every document of the repository, so this halves its
    /// wall-clock time on two cores.
    public static func readAll(_ files: [(bytes: [UInt8], path: String)], limits: YAMLLimits = .default,
                               maxThreads: Int = 8) -> [Reading] {
        inParallel(files.count, maxThreads: maxThreads) { index in
            read(files[index].bytes, path: files[index].path, limits: limits)
        }
    }

    /// `(0..<count).map(body)` on as many large-stack threads as there are cores (at most
    /// `maxThreads`, and one per 16 items), in order. `body` must be independent for each index.
    public static func inParallel<T: Sendable>(_ count: Int, maxThreads: Int = 8, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let threads = max(1, min(maxThreads, ProcessInfo.processInfo.activeProcessorCount, count / 16 + 1))
        let results = ResultSlots<T>(count: count)
        let next = NextIndex()
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            YAMLParseThread.start {
                while let index = next.take(below: count) {
                    results.set(index, body(index))
                }
                done.leave()
            }
        }
        done.wait()
        return results.values()
    }

    private final class ResultSlots<T>: @unchecked Sendable {
        private var slots: [T?]
        private let lock = NSLock()

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ reading: T) {
            lock.lock()
            slots[index] = reading
            lock.unlock()
        }

        /// Called after every thread has finished (the group orders the writes before).
        func values() -> [T] { slots.map { $0! } }
    }

    private final class NextIndex: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()

        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
