/// Whether a transfer moves, judged at each tick of its watchdog: a transfer with no progress
/// since the last tick is stalled and asks again; one with none for `giveUpAfter` fails.
struct TransferProgress {
    let giveUpAfter: Duration
    private var progressed = false
    private var last = ContinuousClock.now

    init(giveUpAfter: Duration) {
        self.giveUpAfter = giveUpAfter
    }

    mutating func note() {
        progressed = true
        last = .now
    }

    /// At a tick: false while the transfer moves, true when it stalled since the last tick, and
    /// `failure` thrown once it has not moved for `giveUpAfter`.
    mutating func stalled(or failure: (Duration) -> any Error) throws -> Bool {
        if progressed {
            progressed = false
            return false
        }
        guard ContinuousClock.now - last < giveUpAfter else { throw failure(giveUpAfter) }
        return true
    }
}
