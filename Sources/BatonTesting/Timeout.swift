/// Thrown when something a test waits for does not happen in time.
package struct TimedOut: Error, CustomStringConvertible {
    package let what: String
    package let after: Duration
    package var description: String { "timed out after \(after) waiting for \(what)" }
}

/// Runs `body`, failing with `TimedOut` if it has not finished within `limit`. Tests wait on
/// events with this bound instead of sleeping.
package func withTimeout<T: Sendable>(
    _ limit: Duration,
    _ what: String = "the operation",
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(what: what, after: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimedOut(what: what, after: limit) }
        return first
    }
}
