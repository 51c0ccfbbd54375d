/// Callers waiting for the coordinator's reply to something they sent, by key, each with a
/// timer that gives up on it. A reply resolves its waiter and cancels its timer at once, so no
/// sleeping timer outlives the wait.
struct ReplyWaiters<Key: Hashable, Reply: Sendable> {
    private var waiting: [Key: (continuation: CheckedContinuation<Reply?, Never>, timer: Task<Void, Never>)] = [:]

    mutating func add(_ key: Key, _ continuation: CheckedContinuation<Reply?, Never>, timer: Task<Void, Never>) {
        waiting[key] = (continuation, timer)
    }

    /// Resumes the waiter for `key` with `reply` (nil: it timed out). Unknown keys are ignored.
    mutating func resolve(_ key: Key, with reply: Reply?) {
        guard let entry = waiting.removeValue(forKey: key) else { return }
        entry.timer.cancel()
        entry.continuation.resume(returning: reply)
    }

    /// Resumes every waiter with `reply`.
    mutating func resolveAll(with reply: Reply?) {
        for key in Array(waiting.keys) { resolve(key, with: reply) }
    }
}
