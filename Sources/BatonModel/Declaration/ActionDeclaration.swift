package struct ActionDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var actionTypeId: ActionTypeID
    package var runOrder: Int?
    package var configuration: [String: String]?
    package var commands: [String]?
    package var inputArtifacts: [InputArtifact]?
    package var outputArtifacts: [OutputArtifact]?
    package var outputVariables: [String]?
    package var roleArn: String?
    package var region: String?
    package var namespace: String?
    package var timeoutInMinutes: Int?
    package var environmentVariables: [EnvironmentVariable]?

    package init(
        name: String,
        actionTypeId: ActionTypeID,
        runOrder: Int? = nil,
        configuration: [String: String]? = nil,
        commands: [String]? = nil,
        inputArtifacts: [String] = [],
        outputArtifacts: [OutputArtifact] = []
    ) {
        self.name = name
        self.actionTypeId = actionTypeId
        self.runOrder = runOrder
        self.configuration = configuration
        self.commands = commands
        self.inputArtifacts = inputArtifacts.isEmpty ? nil : inputArtifacts.map(InputArtifact.init)
        self.outputArtifacts = outputArtifacts.isEmpty ? nil : outputArtifacts
    }

    /// CodePipeline's default `runOrder` is 1.
    package var effectiveRunOrder: Int { runOrder ?? 1 }
    package var inputArtifactNames: [String] { (inputArtifacts ?? []).map(\.name) }
    package var outputArtifactNames: [String] { (outputArtifacts ?? []).map(\.name) }
}

package struct InputArtifact: Sendable, Hashable, Codable {
    package var name: String
    package init(name: String) { self.name = name }
}

package struct OutputArtifact: Sendable, Hashable, Codable {
    package var name: String
    /// Compute actions only: glob patterns of the work-directory files that make up the artifact.
    package var files: [String]?

    package init(name: String, files: [String]? = nil) {
        self.name = name
        self.files = files
    }
}

package struct EnvironmentVariable: Sendable, Hashable, Codable {
    package var name: String
    package var value: String
    package var type: String?

    package init(name: String, value: String, type: String? = nil) {
        self.name = name
        self.value = value
        self.type = type
    }
}

extension ActionDeclaration {
    /// The worker labels this action's jobs need: `role` for an action with a `roleArn` (the
    /// account it acts in) and `region` for one with a `region`; nil when it needs none.
    package var requiredWorkerLabels: [String: String]? {
        var labels: [String: String] = [:]
        if let roleArn { labels["role"] = roleArn }
        if let region { labels["region"] = region }
        return labels.isEmpty ? nil : labels
    }
}
