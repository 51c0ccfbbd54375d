/// An action type as CodePipeline's ListActionTypes shows it: which configuration properties its
/// actions take and how many artifacts they consume and produce.
package struct ActionType: Sendable, Hashable, Codable {
    package var id: ActionTypeID
    package var settings: ActionTypeSettings?
    package var actionConfigurationProperties: [ActionConfigurationProperty]
    package var inputArtifactDetails: ArtifactDetails
    package var outputArtifactDetails: ArtifactDetails

    package init(
        id: ActionTypeID,
        settings: ActionTypeSettings? = nil,
        properties: [ActionConfigurationProperty] = [],
        inputs: ArtifactDetails,
        outputs: ArtifactDetails
    ) {
        self.id = id
        self.settings = settings
        actionConfigurationProperties = properties
        inputArtifactDetails = inputs
        outputArtifactDetails = outputs
    }

    package func property(named name: String) -> ActionConfigurationProperty? {
        actionConfigurationProperties.first { $0.name == name }
    }

    package var queryableProperty: ActionConfigurationProperty? {
        actionConfigurationProperties.first { $0.queryable == true }
    }

    package var secretPropertyNames: Set<String> {
        Set(actionConfigurationProperties.filter(\.secret).map(\.name))
    }
}

package struct ArtifactDetails: Sendable, Hashable, Codable {
    package var minimumCount: Int
    package var maximumCount: Int

    package init(_ minimum: Int, _ maximum: Int) {
        minimumCount = minimum
        maximumCount = maximum
    }
}

package struct ActionConfigurationProperty: Sendable, Hashable, Codable {
    package var name: String
    package var required: Bool
    package var key: Bool
    package var secret: Bool
    package var queryable: Bool?
    package var description: String?
    package var type: String?

    package init(name: String, required: Bool, key: Bool = false, secret: Bool = false, queryable: Bool? = nil, description: String? = nil, type: String? = "String") {
        self.name = name
        self.required = required
        self.key = key
        self.secret = secret
        self.queryable = queryable
        self.description = description
        self.type = type
    }
}

package struct ActionTypeSettings: Sendable, Hashable, Codable {
    package var thirdPartyConfigurationUrl: String?
    package var entityUrlTemplate: String?
    package var executionUrlTemplate: String?
    package var revisionUrlTemplate: String?

    package init(thirdPartyConfigurationUrl: String? = nil, entityUrlTemplate: String? = nil, executionUrlTemplate: String? = nil, revisionUrlTemplate: String? = nil) {
        self.thirdPartyConfigurationUrl = thirdPartyConfigurationUrl
        self.entityUrlTemplate = entityUrlTemplate
        self.executionUrlTemplate = executionUrlTemplate
        self.revisionUrlTemplate = revisionUrlTemplate
    }
}
