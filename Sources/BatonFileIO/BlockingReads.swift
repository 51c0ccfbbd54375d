import BatonThreads
import Foundation

/// A few threads of their own that run blocking reads, several at once: a disk serves a queue of
/// requests faster than the same requests one after another, and a read that waits for the disk
/// holds neither an actor nor one of Swift's cooperative threads.
package final class BlockingReads: @unchecked Sendable {
    // Unchecked: `jobs` and `stopping` are touched only under `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopping = false
    private var started = false
    private let threadCount: Int

    package init(threads: Int) {
        threadCount = max(threads, 1)
    }

    /// Runs `job` on one of the threads, which start with the first job.
    package func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        if !started {
            started = true
            for index in 0..<threadCount {
                Thread.startNamed("baton-reads-\(index)") { [self] in work() }
            }
        }
        jobs.append(job)
        condition.signal()
    }

    /// Lets the jobs queued so far finish, then ends the threads; later jobs are dropped.
    package func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            guard head < jobs.count else {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
