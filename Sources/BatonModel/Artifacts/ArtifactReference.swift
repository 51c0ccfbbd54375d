/// A named artifact produced by an action: its bytes are the store object `digest`.
package struct ArtifactReference: Sendable, Hashable, Codable {
    package var name: String
    package var digest: ArtifactDigest
    package var size: Int64
    /// What a source action took (a commit id, an object's ETag), as CodePipeline's
    /// `currentRevision`; nil for artifacts that other actions built.
    package var revision: String?

    package init(name: String, digest: ArtifactDigest, size: Int64, revision: String? = nil) {
        self.name = name
        self.digest = digest
        self.size = size
        self.revision = revision
    }
}
