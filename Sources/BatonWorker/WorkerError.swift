import BatonModel
import BatonProtocol

package enum WorkerError: Error, Sendable, CustomStringConvertible {
    case noReply(what: String, endpoint: String)
    case artifactUnavailable(name: String, reason: String)
    case corruptArtifact(name: String, expected: ArtifactDigest, actual: ArtifactDigest)
    case uploadRefused(name: String, reason: String)
    case io(path: String, reason: String)
    case slotsOutOfRange(Int)

    package var description: String {
        switch self {
        case .noReply(let what, let endpoint): "no \(what) from the coordinator at \(endpoint)"
        case .artifactUnavailable(let name, let reason): "input artifact \(name) could not be downloaded: \(reason)"
        case .corruptArtifact(let name, let expected, let actual):
            "input artifact \(name) is corrupt: expected \(expected), downloaded bytes hash to \(actual)"
        case .uploadRefused(let name, let reason): "output artifact \(name) was not accepted: \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .slotsOutOfRange(let slots):
            "a worker runs \(ProtocolVersion.slots.lowerBound)...\(ProtocolVersion.slots.upperBound) jobs at once, not \(slots)"
        }
    }
}
