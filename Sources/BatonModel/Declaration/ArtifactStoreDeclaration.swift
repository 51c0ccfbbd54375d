/// `artifactStore`: where CodePipeline keeps artifacts. Baton keeps them in its own
/// content-addressed store, so the declaration is validated and carried, not used.
package struct ArtifactStoreDeclaration: Sendable, Hashable, Codable {
    package struct EncryptionKey: Sendable, Hashable, Codable {
        package var id: String
        package var type: String
    }

    package var type: String
    package var location: String
    package var encryptionKey: EncryptionKey?

    package init(type: String = "S3", location: String) {
        self.type = type
        self.location = location
    }
}
