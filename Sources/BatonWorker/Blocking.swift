import Foundation

/// Runs long blocking work (hashing a large file, zipping a tree) on a thread of its own, so it
/// never holds the worker's actor, which must keep answering heartbeats, nor one of the few threads
/// of Swift's cooperative pool.
package func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
