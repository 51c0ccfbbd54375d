import Synchronization

/// Thrown when something a test waits for does not happen in time.
package struct TimedOut: Error, CustomStringConvertible {
    package let what: String
    package let after: Duration
    package var description: String { "timed out after \(after) waiting for \(what)" }
}

/// Runs `body`, failing with `TimedOut` if it has not finished within `limit`. Tests wait on
/// events with this bound instead of sleeping.
///
/// The wait ends at the limit even when `body` ignores cancellation (a continuation that nothing
/// resumes, a callback API that never calls back): `body` is cancelled and left behind rather than
/// awaited, so a lost event fails one test instead of hanging the whole run.
package func withTimeout<T: Sendable>(
    _ limit: Duration,
    _ what: String = "the operation",
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    let work = Task { try await body() }
    let timer = Task {
        try await Task.sleep(for: limit)
        race.finish(.failure(TimedOut(what: what, after: limit)))
    }
    let watcher = Task { race.finish(await work.result) }
    defer {
        work.cancel()
        timer.cancel()
        watcher.cancel()
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { race.install($0) }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first of several outcomes to arrive, delivered once to one waiting continuation.
private final class Race<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, any Error>?)
        case finished(Result<T, any Error>)
        case delivered
    }

    private let state = Mutex<State>(.waiting(nil))

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .waiting(continuation)
                return nil
            case .finished(let result):
                state = .delivered
                return result
            case .delivered:
                return nil
            }
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            switch state {
            case .waiting(let continuation?):
                state = .delivered
                return continuation
            case .waiting(nil):
                state = .finished(result)
                return nil
            case .finished, .delivered:
                return nil
            }
        }
        waiter?.resume(with: result)
    }
}
