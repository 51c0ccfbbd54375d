/// The claims a HELLO or HEARTBEAT can carry. A worker holds a claim from a job's start until its
/// result is acknowledged, and under load thousands of results can wait for their
/// acknowledgement, more than a 64 KiB header holds: a receiver drops a message over the limit,
/// so a HEARTBEAT that listed them all was lost, and after a few the worker counted as dead.
package enum ClaimList {
    /// `make` with the longest prefix of `claims` whose header stays within
    /// `ProtocolVersion.maxHeaderSize`, and how many claims were left out. Callers put the claims
    /// that matter most first.
    package static func fitting(_ claims: [JobClaim], _ make: ([JobClaim]) -> WorkerMessage) -> (message: WorkerMessage, leftOut: Int) {
        func fits(_ count: Int) -> Bool { WireCodec.header(make(Array(claims.prefix(count)))).1.count <= ProtocolVersion.maxHeaderSize }
        if fits(claims.count) { return (make(claims), 0) }
        // The longest prefix that fits: `low` fits (none at worst), `high` does not.
        var low = 0, high = claims.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if fits(middle) { low = middle } else { high = middle }
        }
        return (make(Array(claims.prefix(low))), claims.count - low)
    }
}
