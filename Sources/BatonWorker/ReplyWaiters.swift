/// Callers waiting for the coordinator's reply to something they sent, by key, each with a
/// deadline after which it gives up. A reply resolves its waiter at once; `expire` resolves the
/// ones whose deadline has passed. No waiter has a timer of its own: one `DeadlineAlarm` per worker
/// serves them all, so a job's wait costs no task and no timer.
struct ReplyWaiters<Key: Hashable, Reply: Sendable> {
    private var waiting: [Key: (continuation: CheckedContinuation<Reply?, Never>, deadline: ContinuousClock.Instant)] = [:]

    mutating func add(_ key: Key, _ continuation: CheckedContinuation<Reply?, Never>, deadline: ContinuousClock.Instant) {
        waiting[key] = (continuation, deadline)
    }

    /// Resumes the waiter for `key` with `reply` (nil: it timed out). Unknown keys are ignored.
    mutating func resolve(_ key: Key, with reply: Reply?) {
        waiting.removeValue(forKey: key)?.continuation.resume(returning: reply)
    }

    /// Resumes every waiter with `reply`.
    mutating func resolveAll(with reply: Reply?) {
        for key in Array(waiting.keys) { resolve(key, with: reply) }
    }

    /// Resumes with nil every waiter whose deadline is not after `now`, and returns the earliest
    /// deadline of those left.
    mutating func expire(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        var expired: [Key] = []
        for (key, entry) in waiting {
            if entry.deadline <= now {
                expired.append(key)
            } else if earliest.map({ entry.deadline < $0 }) ?? true {
                earliest = entry.deadline
            }
        }
        for key in expired { resolve(key, with: nil) }
        return earliest
    }
}
