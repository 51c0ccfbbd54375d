import BatonTesting
import Foundation
import Testing
@testable import ZeroMQ

@Suite(.timeLimit(.minutes(1))) struct ZeroMQContextTests {
    /// The scheduling policy of the context's first I/O thread, found by the name prefix the
    /// context gave it once libzmq has started and named it.
    func ioThreadPolicy(_ scheduling: ZeroMQContext.IOThreadScheduling) async throws -> (context: ZeroMQContext.IOThreadScheduling, thread: Int?) {
        let prefix = Int32.random(in: 100...999)
        let context = try ZeroMQContext(scheduling: scheduling, threadNamePrefix: prefix)
        let socket = try Socket(context: context, type: .router)  // starts the I/O threads
        defer { withExtendedLifetime(socket) {} }
        let deadline = ContinuousClock.now + .seconds(5)
        var policies: [Int] = []
        while policies.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            policies = schedulingPolicies(ofThreadsNamed: "\(prefix)/ZMQbg/IO/0")
        }
        #expect(policies.count == 1, "no thread or several named \(prefix)/ZMQbg/IO/0")
        return (context.ioThreadScheduling, policies.first)
    }

    @Test func batchSchedulingReachesTheIOThreads() async throws {
        #expect(ZeroMQContext.batchSchedulingAllowed)
        let (scheduling, policy) = try await ioThreadPolicy(.batch)
        #expect(scheduling == .batch)
        #expect(policy == Int(ZeroMQContext.schedBatch))
    }

    @Test func inheritedSchedulingLeavesTheIOThreadsAlone() async throws {
        let (scheduling, policy) = try await ioThreadPolicy(.inherited)
        #expect(scheduling == .inherited)
        #expect(policy == 0)  // SCHED_OTHER
    }
}
