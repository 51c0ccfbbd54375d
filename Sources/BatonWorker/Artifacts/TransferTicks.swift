import BatonModel

/// The watchdog ticks of artifact transfers in flight: each registered transfer is sent `.tick`
/// every interval until it is removed, and a transfer that heard nothing between two ticks asks
/// again. The worker's reply alarm serves them all, as it serves reply deadlines, so a transfer
/// costs no task and no timer of its own (a task per transfer armed and cancelled a dispatch
/// timer for every upload, however small).
struct TransferTicks {
    enum Key: Hashable {
        case upload(id: String)
        case download(ArtifactDigest)
    }

    private var transfers: [Key: (stream: AsyncStream<Worker.ArtifactReply>.Continuation, interval: Duration, next: ContinuousClock.Instant)] = [:]

    mutating func add(_ key: Key, _ stream: AsyncStream<Worker.ArtifactReply>.Continuation, every interval: Duration, first: ContinuousClock.Instant) {
        transfers[key] = (stream, interval, first)
    }

    mutating func remove(_ key: Key) {
        transfers[key] = nil
    }

    /// Ticks every transfer whose time has come and schedules its next tick; returns the
    /// earliest tick still to come.
    mutating func fire(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for key in Array(transfers.keys) {
            guard var transfer = transfers[key] else { continue }
            if transfer.next <= now {
                transfer.stream.yield(.tick)
                transfer.next = now + transfer.interval
                transfers[key] = transfer
            }
            earliest = earliest.map { min($0, transfer.next) } ?? transfer.next
        }
        return earliest
    }
}
