import BatonTesting
import Synchronization
import Testing

/// The bound every integration test waits under must hold even when what it waits for ignores
/// cancellation: one lost event fails one test, never the whole run.
@Suite(.timeLimit(.minutes(1))) struct TimeoutTests {
    @Test func aWaitThatIgnoresCancellationStillEndsAtItsLimit() async throws {
        let parked = Mutex<CheckedContinuation<Void, Never>?>(nil)
        await #expect(throws: TimedOut.self) {
            try await withTimeout(.milliseconds(200), "an event that never comes") {
                await withCheckedContinuation { continuation in parked.withLock { $0 = continuation } }
            }
        }
        parked.withLock { $0?.resume() }
    }

    @Test func aResultBeforeTheLimitIsReturned() async throws {
        let value = try await withTimeout(.seconds(30)) { 42 }
        #expect(value == 42)
    }

    @Test func anErrorOfTheBodyIsRethrown() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withTimeout(.seconds(30)) { throw Refused() }
        }
    }
}
