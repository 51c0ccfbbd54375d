import BatonFileIO
import Foundation
import Testing

@Suite struct BlockingReadsTests {
    /// Each job waits until all three are running at once: that only happens if the three run
    /// side by side (with one thread, the first would wait out its 10 s and report false).
    @Test func jobsRunSideBySide() async throws {
        let reads = BlockingReads(threads: 3)
        defer { reads.stop() }
        let meeting = Meeting(expected: 3)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        reads.run { continuation.resume(returning: meeting.arriveAndWait(seconds: 10)) }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == [true, true, true])
    }

    @Test func everyQueuedJobRunsOnce() async throws {
        let reads = BlockingReads(threads: 2)
        defer { reads.stop() }
        let total = await withTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask { await withCheckedContinuation { continuation in reads.run { continuation.resume(returning: index) } } }
            }
            return await group.reduce(0, +)
        }
        #expect(total == (0..<200).reduce(0, +))
    }
}

/// A barrier with a timeout, for threads.
private final class Meeting: @unchecked Sendable {
    // Unchecked: `arrived` is touched only under `condition`.
    private let condition = NSCondition()
    private var arrived = 0
    private let expected: Int

    init(expected: Int) { self.expected = expected }

    func arriveAndWait(seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let deadline = Date().addingTimeInterval(seconds)
        while arrived < expected {
            if !condition.wait(until: deadline) { return arrived >= expected }
        }
        return true
    }
}
