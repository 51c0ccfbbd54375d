import BatonAPI
import BatonEngine
import BatonModel
import BatonStore
import Foundation

extension CodePipelineAPI {
    static let webhookPath = "/baton/webhooks/v1/"

    func webhookArn(_ name: String) -> String { "arn:aws:codepipeline:\(region):\(account):webhook:\(name)" }

    func putWebhook(_ input: PutWebhookInput, host: String) async throws -> PutWebhookOutput {
        guard let webhooks else { throw APIError.validation("This coordinator does not serve webhooks") }
        let definition = input.webhook
        try await validate(definition)
        let existing = webhooks.named(definition.name)
        let record = WebhookRecord(
            definition: definition, urlToken: existing?.urlToken ?? Self.newURLToken(), lastTriggered: existing?.lastTriggered)
        try await webhooks.save(record)
        try await setTags(webhookArn(definition.name), input.tags ?? [])
        return PutWebhookOutput(webhook: try await item(record, host: host))
    }

    func listWebhooks(_ input: ListWebhooksInput, host: String) async throws -> ListWebhooksOutput {
        let page = try Page(input.nextToken, maxResults: input.maxResults, limit: 100)
        let (records, next) = page.slice(webhooks?.all ?? [])
        var items: [ListWebhookItem] = []
        for record in records { items.append(try await item(record, host: host)) }
        return ListWebhooksOutput(webhooks: items, nextToken: next)
    }

    func deleteWebhook(_ input: DeleteWebhookInput) async throws -> EmptyOutput {
        try await webhooks?.delete(input.name)
        try await tagStore?.removeAll(of: webhookArn(input.name))
        return EmptyOutput()
    }

    private func item(_ record: WebhookRecord, host: String) async throws -> ListWebhookItem {
        let arn = webhookArn(record.definition.name)
        let tags = try await tagStore?.tags(of: arn).map { Tag(key: $0.key, value: $0.value) }
        return ListWebhookItem(
            definition: record.definition, url: "http://\(host)\(Self.webhookPath)\(record.urlToken)", arn: arn,
            lastTriggered: record.lastTriggered, tags: tags?.isEmpty == false ? tags : nil)
    }

    private func validate(_ definition: WebhookDefinition) async throws {
        guard (1...100).contains(definition.name.count), definition.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw APIError.validation("1 validation error detected: Value '\(definition.name)' at 'webhook.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+")
        }
        let record = try await engine.pipeline(named: definition.targetPipeline)
        guard record.declaration.stages.first?.actions.contains(where: { $0.name == definition.targetAction }) == true else {
            throw APIError.validation("targetAction \(definition.targetAction) is not an action of the first stage of pipeline \(definition.targetPipeline)")
        }
        guard (1...5).contains(definition.filters.count) else {
            throw APIError(type: "InvalidWebhookFilterPatternException", message: "A webhook needs 1 to 5 filters, not \(definition.filters.count)")
        }
        for filter in definition.filters where JSONPathSelector(filter.jsonPath) == nil {
            throw APIError(type: "InvalidWebhookFilterPatternException", message: "The JSON path \(filter.jsonPath) is not valid: use $ followed by .member and [index] steps")
        }
        switch definition.authentication {
        case "GITHUB_HMAC":
            guard let secret = definition.authenticationConfiguration.secretToken, !secret.isEmpty else {
                throw APIError(type: "InvalidWebhookAuthenticationParametersException", message: "GITHUB_HMAC authentication needs a SecretToken")
            }
        case "IP":
            guard let range = definition.authenticationConfiguration.allowedIPRange, IPRange(range) != nil else {
                throw APIError(type: "InvalidWebhookAuthenticationParametersException", message: "IP authentication needs an AllowedIPRange in CIDR notation, such as 10.0.0.0/8")
            }
        case "UNAUTHENTICATED":
            break
        default:
            throw APIError.validation("authentication must be GITHUB_HMAC, IP or UNAUTHENTICATED, not \(definition.authentication)")
        }
    }

    static func newURLToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }
}
