import Foundation

/// Runs the composing half of a load on a thread of its own with a large stack.
///
/// The composer keeps its own stack of open collections and does not recurse, but the
/// values it builds nest up to libyaml's limit of 1000 levels, and releasing one (a
/// document dropped on an error) recurses once per level. (The Yams composer used before
/// recursed per level and needed more than the 512 KiB a secondary or Swift-concurrency
/// thread gets on macOS in a debug build.) The key scanner already refuses nesting beyond
/// the depth limit, but a caller may raise that limit, and a crash is not an acceptable
/// answer to any input.
enum YAMLParseThread {
    static let stackSize = 16 << 20

    /// Marks the threads started here: on them, `run` calls its body directly.
    private static let marker = "dev.tollgate.yaml-thread"

    static func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
        if Thread.current.threadDictionary[marker] != nil { return body() }
        let outcome = Outcome<Value>()
        start {
            outcome.value = body()
            outcome.done.signal()
        }
        outcome.done.wait()
        // The semaphore orders the write on the thread before this read.
        return outcome.value ?? body()
    }

    /// Starts `body` on a new thread with the large stack; `run` inside it needs no other thread.
    static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            Thread.current.threadDictionary[marker] = true
            body()
        }
        thread.stackSize = stackSize
        thread.name = "Tollgate YAML"
        thread.start()
    }

    private final class Outcome<Value>: @unchecked Sendable {
        var value: Value?
        let done = DispatchSemaphore(value: 0)
    }
}
