/// A CodePipeline (V1) webhook, as PutWebhook declares it: deliveries to its URL whose JSON body
/// matches every filter start the target pipeline.
package struct WebhookDefinition: Sendable, Hashable, Codable {
    package struct Filter: Sendable, Hashable, Codable {
        package var jsonPath: String
        package var matchEquals: String?

        package init(jsonPath: String, matchEquals: String? = nil) {
            self.jsonPath = jsonPath
            self.matchEquals = matchEquals
        }
    }

    package struct AuthenticationConfiguration: Sendable, Hashable, Codable {
        package var allowedIPRange: String?
        package var secretToken: String?

        enum CodingKeys: String, CodingKey {
            case allowedIPRange = "AllowedIPRange"
            case secretToken = "SecretToken"
        }

        package init(allowedIPRange: String? = nil, secretToken: String? = nil) {
            self.allowedIPRange = allowedIPRange
            self.secretToken = secretToken
        }
    }

    package var name: String
    package var targetPipeline: String
    package var targetAction: String
    package var filters: [Filter]
    /// GITHUB_HMAC, IP or UNAUTHENTICATED.
    package var authentication: String
    package var authenticationConfiguration: AuthenticationConfiguration

    package init(name: String, targetPipeline: String, targetAction: String, filters: [Filter], authentication: String,
                 authenticationConfiguration: AuthenticationConfiguration) {
        self.name = name
        self.targetPipeline = targetPipeline
        self.targetAction = targetAction
        self.filters = filters
        self.authentication = authentication
        self.authenticationConfiguration = authenticationConfiguration
    }
}

/// A stored webhook: its definition, the secret part of its URL, and when it last started a run.
package struct WebhookRecord: Sendable, Hashable, Codable {
    package var definition: WebhookDefinition
    package var urlToken: String
    package var lastTriggered: Timestamp?

    package init(definition: WebhookDefinition, urlToken: String, lastTriggered: Timestamp? = nil) {
        self.definition = definition
        self.urlToken = urlToken
        self.lastTriggered = lastTriggered
    }
}
