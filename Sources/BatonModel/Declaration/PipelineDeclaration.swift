/// A pipeline as CodePipeline declares it: the `pipeline` member of CreatePipeline and GetPipeline.
/// Its Codable form is CodePipeline's JSON, key for key.
package struct PipelineDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var roleArn: String?
    package var artifactStore: ArtifactStoreDeclaration?
    package var artifactStores: [String: ArtifactStoreDeclaration]?
    package var stages: [StageDeclaration]
    package var version: Int?
    package var executionMode: ExecutionMode?
    package var pipelineType: String?
    package var variables: [PipelineVariableDeclaration]?
    package var triggers: [TriggerDeclaration]?

    package init(name: String, stages: [StageDeclaration], executionMode: ExecutionMode? = nil) {
        self.name = name
        self.stages = stages
        self.executionMode = executionMode
    }

    package func stage(named name: String) -> StageDeclaration? {
        stages.first { $0.name == name }
    }
}

package struct PipelineVariableDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var defaultValue: String?
    package var description: String?

    package init(name: String, defaultValue: String? = nil, description: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.description = description
    }
}

package enum ExecutionMode: String, Sendable, Hashable, Codable, CaseIterable {
    case superseded = "SUPERSEDED"
    case queued = "QUEUED"
    case parallel = "PARALLEL"

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let mode = ExecutionMode(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Value '\(text)' failed to satisfy constraint: Member must satisfy enum value set: [QUEUED, SUPERSEDED, PARALLEL]")
        }
        self = mode
    }
}
