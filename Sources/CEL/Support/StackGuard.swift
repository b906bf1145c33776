import Foundation
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Stops the parser's and the evaluator's recursion before the current thread's stack runs
/// out, whatever the thread (a 512 KiB secondary thread as well as an 8 MiB main thread) and
/// however large unoptimised frames are. `CELLimits.maxDepth` is the portable limit; this is
/// the backstop that turns a would-be crash into a `.limit` error.
struct StackGuard {
    /// The lowest address of the thread's stack and the lowest one recursion may reach;
    /// both 0 when the stack bounds are unknown.
    private let bounds: (lowest: UInt, floor: UInt)

    init() {
        // The main thread's bounds are costly to ask for on Linux (glibc reads
        // /proc/self/maps), and never change.
        bounds = Thread.isMainThread ? Self.mainThreadBounds : Self.currentBounds()
    }

    private static let mainThreadBounds = currentBounds()

    #if os(Linux)
    private typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32

    /// `pthread_getattr_np`, a GNU extension that the Glibc module does not import.
    private static let getAttributes: GetAttributes? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: GetAttributes.self)
    }()
    #endif

    private static func currentBounds() -> (lowest: UInt, floor: UInt) {
        var lowest: UInt = 0
        var size: UInt = 0
        #if canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
        size = UInt(pthread_get_stacksize_np(pthread_self()))
        lowest = top - size
        #elseif os(Linux)
        var attributes = pthread_attr_t()
        if let getAttributes, getAttributes(pthread_self(), &attributes) == 0 {
            var address: UnsafeMutableRawPointer?
            var bytes = 0
            if pthread_attr_getstack(&attributes, &address, &bytes) == 0, let address {
                lowest = UInt(bitPattern: address)
                size = UInt(bytes)
            }
            pthread_attr_destroy(&attributes)
        }
        #endif
        // Keep a quarter of the stack (at most 256 KiB) for the work between two checks and
        // for whatever the caller does after an error.
        return lowest == 0 ? (0, 0) : (lowest, lowest + min(256 * 1024, size / 4))
    }

    /// Whether the stack still has room for another level of recursion.
    @inline(never)
    func hasRoom() -> Bool {
        var marker: UInt8 = 0
        let address = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        // Only a local on the thread's stack tells the depth. AddressSanitizer's
        // use-after-return detection (on by default) moves locals to a "fake stack" mapped
        // elsewhere; read as exhaustion, it made every expression fail with this limit in an
        // ASan build (`swift test --sanitize=address`, the fuzzers). There `maxDepth` alone
        // bounds the recursion.
        return address > bounds.floor || address < bounds.lowest
    }

    static let message = "expression nests too deeply for this thread's stack; simplify it or evaluate it on a thread with a larger stack"
}
