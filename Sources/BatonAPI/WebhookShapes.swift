import BatonModel

/// PutWebhook, ListWebhooks and DeleteWebhook (CodePipeline's V1 webhooks).
package struct PutWebhookInput: Sendable, Codable {
    package var webhook: WebhookDefinition
    package var tags: [Tag]?

    package init(webhook: WebhookDefinition, tags: [Tag]? = nil) {
        self.webhook = webhook
        self.tags = tags
    }
}

package struct ListWebhookItem: Sendable, Codable {
    package var definition: WebhookDefinition
    package var url: String
    package var arn: String
    package var lastTriggered: Timestamp?
    package var tags: [Tag]?

    package init(definition: WebhookDefinition, url: String, arn: String, lastTriggered: Timestamp?, tags: [Tag]?) {
        self.definition = definition
        self.url = url
        self.arn = arn
        self.lastTriggered = lastTriggered
        self.tags = tags
    }
}

package struct PutWebhookOutput: Sendable, Codable {
    package var webhook: ListWebhookItem
    package init(webhook: ListWebhookItem) { self.webhook = webhook }
}

/// ListWebhooks spells its paging members with capitals, unlike every other list operation.
package struct ListWebhooksInput: Sendable, Codable {
    package var nextToken: String?
    package var maxResults: Int?

    enum CodingKeys: String, CodingKey {
        case nextToken = "NextToken"
        case maxResults = "MaxResults"
    }

    package init(nextToken: String? = nil, maxResults: Int? = nil) {
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

package struct ListWebhooksOutput: Sendable, Codable {
    package var webhooks: [ListWebhookItem]
    package var nextToken: String?

    enum CodingKeys: String, CodingKey {
        case webhooks
        case nextToken = "NextToken"
    }

    package init(webhooks: [ListWebhookItem], nextToken: String?) {
        self.webhooks = webhooks
        self.nextToken = nextToken
    }
}

package struct DeleteWebhookInput: Sendable, Codable {
    package var name: String
    package init(name: String) { self.name = name }
}
