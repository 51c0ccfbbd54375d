/// The job-worker protocol's identity: frame 0 of every message.
package enum ProtocolVersion {
    /// "JWP1": job-worker protocol, version 1. A peer speaking anything else is refused.
    package static let signature = "JWP1"
    package static let signatureBytes: [UInt8] = Array(signature.utf8)
    /// Largest header (frame 2) a receiver accepts.
    package static let maxHeaderSize = 64 * 1024
    /// Most messages one BATCH may carry, whatever a peer announces.
    package static let maxBatch = 256
    /// Most frames a receiver keeps of one message: a full BATCH behind a routing id.
    package static let maxFrames = 3 + 2 * maxBatch
    /// Artifact transfers with a full window each that one peer's queue on an artifact socket
    /// holds: each side queues up to `credit ×` this many messages per peer. A coordinator's
    /// ROUTER drops what goes beyond, and the transfer then waits out a reply timeout.
    package static let queuedTransfersPerPeer = 64
    /// What a WELCOME may set; a worker refuses one outside these as malformed.
    package static let chunkSizes = 1024...(8 << 20)
    package static let credits = 1...64
    package static let heartbeatIntervalsMs = 1...3_600_000
    package static let heartbeatLivenesses = 1...1_000
    /// What a HELLO's `maxSlots` may say; a coordinator answers one outside with DISCONNECT.
    package static let slots = 1...1_024
}
