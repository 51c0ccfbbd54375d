/// The job-worker protocol's identity: frame 0 of every message.
package enum ProtocolVersion {
    /// "JWP1": job-worker protocol, version 1. A peer speaking anything else is refused.
    package static let signature = "JWP1"
    package static let signatureBytes: [UInt8] = Array(signature.utf8)
    /// Largest header (frame 2) a receiver accepts.
    package static let maxHeaderSize = 64 * 1024
}
