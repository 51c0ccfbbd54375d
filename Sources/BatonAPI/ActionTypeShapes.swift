import BatonModel

/// CreateCustomActionType's input: the type's id fields at the top level, as CodePipeline has them.
package struct CreateCustomActionTypeInput: Sendable, Codable {
    package var category: String
    package var provider: String
    package var version: String
    package var settings: ActionTypeSettings?
    package var configurationProperties: [ActionConfigurationProperty]?
    package var inputArtifactDetails: ArtifactDetails
    package var outputArtifactDetails: ArtifactDetails
    package var tags: [Tag]?

    package init(
        category: String, provider: String, version: String, configurationProperties: [ActionConfigurationProperty]? = nil,
        inputArtifactDetails: ArtifactDetails, outputArtifactDetails: ArtifactDetails
    ) {
        self.category = category
        self.provider = provider
        self.version = version
        self.configurationProperties = configurationProperties
        self.inputArtifactDetails = inputArtifactDetails
        self.outputArtifactDetails = outputArtifactDetails
    }

    package var actionType: ActionType {
        ActionType(
            id: ActionTypeID(category: category, owner: "Custom", provider: provider, version: version),
            settings: settings, properties: configurationProperties ?? [],
            inputs: inputArtifactDetails, outputs: outputArtifactDetails)
    }
}

package struct CreateCustomActionTypeOutput: Sendable, Codable {
    package var actionType: ActionType
    package var tags: [Tag]?

    package init(actionType: ActionType, tags: [Tag]?) {
        self.actionType = actionType
        self.tags = tags
    }
}

package struct DeleteCustomActionTypeInput: Sendable, Codable {
    package var category: String
    package var provider: String
    package var version: String
}

package struct ListActionTypesInput: Sendable, Codable {
    package var actionOwnerFilter: String?
    package var nextToken: String?
    package var regionFilter: String?
}

package struct ListActionTypesOutput: Sendable, Codable {
    package var actionTypes: [ActionType]
    package var nextToken: String?

    package init(actionTypes: [ActionType], nextToken: String?) {
        self.actionTypes = actionTypes
        self.nextToken = nextToken
    }
}
