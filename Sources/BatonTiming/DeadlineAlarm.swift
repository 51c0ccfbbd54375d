import Synchronization

// BatonTiming: one timer for many deadlines.

/// One timer behind many deadlines: a loop reads its deadlines, records the earliest with
/// `willWake(at:)` and sleeps towards it; setting a deadline (`armed`) wakes the loop only when
/// the deadline falls before that one. Deadlines are mostly set a fixed time ahead (a reply
/// timeout, an action timeout), so nearly every one falls after those already set and costs no
/// wake-up, no task and no timer of its own.
package final class DeadlineAlarm: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var pending = false
        /// When the loop will next look, or nil while it sleeps until woken.
        var wakeAt: ContinuousClock.Instant?

        /// The sleeping loop to resume; if it is not asleep, its next sleep returns at once.
        mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
            defer { waiter = nil }
            if waiter == nil { pending = true }
            return waiter
        }
    }

    private let state = Mutex(State())

    package init() {}

    /// Wakes the loop if `deadline` falls before the time it sleeps towards.
    package func armed(_ deadline: ContinuousClock.Instant) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let wakeAt = state.wakeAt, wakeAt <= deadline { return nil }
            state.wakeAt = deadline
            return state.takeWaiter()
        }
        waiter?.resume()
    }

    /// Records when the loop will next look. Called where the deadlines are read, in the same
    /// isolation as `armed`, so a deadline armed after the read is never missed.
    package func willWake(at deadline: ContinuousClock.Instant?) {
        state.withLock { $0.wakeAt = deadline }
    }

    /// Sleeps until `deadline` (nil: until a deadline is armed), returning early when a nearer
    /// deadline is armed or the task is cancelled. `willWake(at:)` must have recorded `deadline`.
    package func sleep(until deadline: ContinuousClock.Instant?) async {
        guard let deadline else { return await waitForArm() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            group.addTask { await self.waitForArm() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForArm() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.takeWaiter() }?.resume()
        }
    }
}
