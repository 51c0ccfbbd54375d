import BatonTesting
import Foundation
import Testing
@testable import ZeroMQ

@Suite(.timeLimit(.minutes(1))) struct ZeroMQContextTests {
    /// Makes a context asking for `scheduling` on the calling thread, whose policy and privileges
    /// its I/O threads inherit, starts them (a socket does), and waits up to 5 s for libzmq to
    /// name the first: what the context says it got, and the policy of each thread carrying the
    /// name prefix the context gave it.
    static func startContext(_ scheduling: ZeroMQContext.IOThreadScheduling) throws -> (scheduling: ZeroMQContext.IOThreadScheduling, policies: [Int]) {
        let prefix = Int32.random(in: 100...999)
        let context = try ZeroMQContext(scheduling: scheduling, threadNamePrefix: prefix)
        let socket = try Socket(context: context, type: .router)
        defer { withExtendedLifetime(socket) {} }
        let deadline = ContinuousClock.now + .seconds(5)
        var policies: [Int] = []
        while policies.isEmpty, ContinuousClock.now < deadline {
            usleep(10_000)
            policies = schedulingPolicies(ofThreadsNamed: "\(prefix)/ZMQbg/IO/0")
        }
        return (context.ioThreadScheduling, policies)
    }

    @Test func batchSchedulingReachesTheIOThreads() throws {
        #expect(ZeroMQContext.mayUseBatchScheduling())
        let started = try Self.startContext(.batch)
        #expect(started.scheduling == .batch)
        #expect(started.policies == [Int(ZeroMQContext.schedBatch)])
    }

    @Test func inheritedSchedulingLeavesTheIOThreadsAlone() throws {
        let started = try Self.startContext(.inherited)
        #expect(started.scheduling == .inherited)
        #expect(started.policies == [0])  // SCHED_OTHER
    }

    /// A thread that may not leave `SCHED_IDLE` (no `CAP_SYS_NICE`, and an `RLIMIT_NICE` that
    /// does not reach nice 0), as in an unprivileged process started by `chrt -i`: a context made
    /// there keeps its I/O threads as they are instead of handing libzmq a policy it would abort
    /// the process over. The whole process cannot be run that way here: as `SCHED_IDLE` it starves
    /// while other tests keep the cores busy.
    @Test(.enabled(if: RestrictedThread.niceLimit < 20))
    func aThreadThatMayNotLeaveIdleSchedulingMakesAContextThatKeepsIt() async throws {
        let outcome = try await RestrictedThread.run {
            (allowed: ZeroMQContext.mayUseBatchScheduling(), started: try Self.startContext(.batch))
        }
        #expect(!outcome.allowed)
        #expect(outcome.started.scheduling == .inherited)
        #expect(outcome.started.policies == [5])  // SCHED_IDLE, as the thread that started it
    }
}

/// A thread of its own that runs as `SCHED_IDLE` without `CAP_SYS_NICE`. Both are the thread's
/// alone: the rest of the test process keeps its policy and capabilities.
enum RestrictedThread {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `RLIMIT_NICE`'s soft limit, from `/proc/self/limits`: leaving `SCHED_IDLE` for nice 0 needs 20.
    static var niceLimit: Int {
        let limits = (try? String(contentsOfFile: "/proc/self/limits", encoding: .utf8)) ?? ""
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max nice priority") }) else { return 0 }
        return Int(line.dropFirst("Max nice priority".count).split(separator: " ").first ?? "") ?? 20
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    var parameters = sched_param()
                    guard pthread_setschedparam(pthread_self(), 5, &parameters) == 0 else {  // SCHED_IDLE
                        throw Failure(description: "could not make the thread SCHED_IDLE")
                    }
                    try dropNiceCapability()
                    return try body()
                })
            }
            thread.start()
        }
    }

    /// capget(2)/capset(2) with `_LINUX_CAPABILITY_VERSION_3`, on the calling thread (pid 0).
    private struct Header {
        var version: UInt32 = 0x2008_0522
        var pid: Int32 = 0
    }

    private struct Sets {
        var effective: UInt32 = 0
        var permitted: UInt32 = 0
        var inheritable: UInt32 = 0
    }

    private static func dropNiceCapability() throws {
        var header = Header()
        var sets = [Sets(), Sets()]
        guard capget(&header, &sets) == 0 else { throw Failure(description: "capget: \(String(cString: strerror(errno)))") }
        let sysNice: UInt32 = 1 << 23  // CAP_SYS_NICE
        sets[0].effective &= ~sysNice
        sets[0].permitted &= ~sysNice
        header = Header()
        guard capset(&header, &sets) == 0 else { throw Failure(description: "capset: \(String(cString: strerror(errno)))") }
    }
}

// Glibc exports the system calls' wrappers; their declarations are in libcap's header.
@_silgen_name("capget") private func capget(_ header: UnsafeMutableRawPointer, _ sets: UnsafeMutableRawPointer) -> Int32
@_silgen_name("capset") private func capset(_ header: UnsafeMutableRawPointer, _ sets: UnsafeMutableRawPointer) -> Int32
