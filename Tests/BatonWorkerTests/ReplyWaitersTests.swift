@testable import BatonWorker
import Testing

/// The reply deadlines behind a worker's waits: `ReplyWaiters` gives up on passed deadlines and
/// names the next one, for the worker's `DeadlineAlarm` to sleep towards.
@Suite struct ReplyWaitersTests {
    private actor Harness {
        var waiters = ReplyWaiters<String, Int>()
        var registered = 0

        func wait(_ key: String, deadline: ContinuousClock.Instant) async -> Int? {
            await withCheckedContinuation { continuation in
                waiters.add(key, continuation, deadline: deadline)
                registered += 1
            }
        }

        func expire(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? { waiters.expire(at: now) }
        func resolve(_ key: String, with value: Int) { waiters.resolve(key, with: value) }
    }

    private func waitUntilRegistered(_ harness: Harness, count: Int) async throws {
        for _ in 0..<2_000 where await harness.registered < count {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(await harness.registered == count)
    }

    @Test func expiryResolvesPassedDeadlinesWithNilAndNamesTheNextOne() async throws {
        let start = ContinuousClock.now
        let harness = Harness()
        async let first = harness.wait("first", deadline: start + .seconds(1))
        async let second = harness.wait("second", deadline: start + .seconds(2))
        async let third = harness.wait("third", deadline: start + .seconds(3))
        try await waitUntilRegistered(harness, count: 3)

        #expect(await harness.expire(at: start) == start + .seconds(1))
        #expect(await harness.expire(at: start + .seconds(2)) == start + .seconds(3))
        await harness.resolve("third", with: 7)
        #expect(await first == nil)
        #expect(await second == nil)
        #expect(await third == 7)
        #expect(await harness.expire(at: start + .seconds(10)) == nil)
    }
}
