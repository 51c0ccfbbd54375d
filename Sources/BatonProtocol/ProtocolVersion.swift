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
}
