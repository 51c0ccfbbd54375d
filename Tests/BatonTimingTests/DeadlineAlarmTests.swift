import BatonTiming
import Testing

/// One alarm for many deadlines: it sleeps towards the earliest recorded one, a parked alarm
/// wakes when a deadline is armed, and only a nearer deadline wakes a sleeping one.
@Suite struct DeadlineAlarmTests {
    /// Whether `sleeper` ends within 10 s by itself; the bound only guards against a hang, and
    /// a sleeper still asleep then is cancelled.
    private func ends(_ sleeper: Task<Void, Never>) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await sleeper.value; return true }
            group.addTask { try? await Task.sleep(for: .seconds(10)); return false }
            let ended = await group.next() ?? false
            group.cancelAll()
            if !ended { sleeper.cancel() }
            return ended
        }
    }

    @Test func aParkedAlarmWakesWhenADeadlineIsArmed() async throws {
        let alarm = DeadlineAlarm()
        alarm.willWake(at: nil)
        let sleeper = Task { await alarm.sleep(until: nil) }
        try await Task.sleep(for: .milliseconds(20))
        alarm.armed(.now + .seconds(60))
        // Returns at the arm, not after a minute.
        #expect(await ends(sleeper))
    }

    @Test func onlyANearerDeadlineWakesASleepingAlarm() async throws {
        let clock = ContinuousClock()
        let alarm = DeadlineAlarm()
        let target = clock.now + .milliseconds(300)
        alarm.willWake(at: target)
        alarm.armed(target + .seconds(5))
        let start = clock.now
        await alarm.sleep(until: target)
        // A later deadline left it asleep until its own.
        #expect(clock.now >= target)
        #expect(clock.now - start >= .milliseconds(200))

        let far = clock.now + .seconds(60)
        alarm.willWake(at: far)
        let sleeper = Task { await alarm.sleep(until: far) }
        try await Task.sleep(for: .milliseconds(20))
        alarm.armed(clock.now + .seconds(1))
        #expect(await ends(sleeper))
    }

    @Test func cancellationEndsASleep() async {
        let alarm = DeadlineAlarm()
        alarm.willWake(at: nil)
        let sleeper = Task { await alarm.sleep(until: nil) }
        sleeper.cancel()
        #expect(await ends(sleeper))
    }
}
