import BatonModel

package enum StoreError: Error, Sendable, CustomStringConvertible {
    case pipelineNameInUse(String)
    case pipelineNotFound(String)
    case corruptRecord(table: String, key: String, reason: String)
    case artifactNotFound(ArtifactDigest)
    case io(path: String, reason: String)

    package var description: String {
        switch self {
        case .pipelineNameInUse(let name): "A pipeline with the name '\(name)' already exists"
        case .pipelineNotFound(let name): "Pipeline with name \(name) does not exist"
        case .corruptRecord(let table, let key, let reason): "stored \(table) record '\(key)' cannot be read: \(reason)"
        case .artifactNotFound(let digest): "artifact \(digest) is not in the store"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
