import BatonAPI
import BatonEngine
import BatonStore

extension CodePipelineAPI {
    static let maxTags = 50

    /// The resource an ARN names: a pipeline (`arn:aws:codepipeline:REGION:ACCOUNT:NAME`) or a
    /// webhook (`…:webhook:NAME`). Unknown resources and malformed ARNs get CodePipeline's errors.
    private func taggable(_ arn: String) async throws -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "codepipeline", !parts[5].isEmpty else {
            throw APIError(type: "InvalidArnException", message: "The ARN \(arn) is not a CodePipeline resource ARN (arn:aws:codepipeline:REGION:ACCOUNT:NAME)")
        }
        let resource = parts[5]
        if resource.hasPrefix("webhook:") {
            let name = String(resource.dropFirst("webhook:".count))
            guard webhooks?.named(name) != nil else { throw APIError(type: "ResourceNotFoundException", message: "The resource \(arn) does not exist") }
        } else {
            guard await engine.allPipelines().contains(where: { $0.name == resource }) else {
                throw APIError(type: "ResourceNotFoundException", message: "The resource \(arn) does not exist")
            }
        }
        return "arn:aws:codepipeline:\(region):\(account):\(resource)"
    }

    static func validate(_ tags: [Tag]) throws {
        for tag in tags {
            guard (1...128).contains(tag.key.count), tag.value.count <= 256, !tag.key.hasPrefix("aws:") else {
                throw APIError(type: "InvalidTagsException", message: "Tag key '\(tag.key)' must be 1-128 characters and not start with aws:, and its value at most 256 characters")
            }
        }
        if tags.count > maxTags { throw APIError(type: "TooManyTagsException", message: "A resource can have at most \(maxTags) tags") }
    }

    func setTags(_ arn: String, _ tags: [Tag]) async throws {
        try Self.validate(tags)
        guard let store = tagStore, !tags.isEmpty else { return }
        do {
            try await store.tag(arn, with: tags.map { ($0.key, $0.value) }, limit: Self.maxTags)
        } catch is ResourceTags.TagLimit {
            throw APIError(type: "TooManyTagsException", message: "A resource can have at most \(Self.maxTags) tags")
        }
    }

    func tagResource(_ input: TagResourceInput) async throws -> EmptyOutput {
        try await setTags(try await taggable(input.resourceArn), input.tags)
        return EmptyOutput()
    }

    func untagResource(_ input: UntagResourceInput) async throws -> EmptyOutput {
        let arn = try await taggable(input.resourceArn)
        try await tagStore?.untag(arn, keys: input.tagKeys)
        return EmptyOutput()
    }

    func listTagsForResource(_ input: ListTagsForResourceInput) async throws -> ListTagsForResourceOutput {
        let page = try Page(input.nextToken, maxResults: input.maxResults, limit: 100)
        let arn = try await taggable(input.resourceArn)
        let tags = try await tagStore?.tags(of: arn).map { Tag(key: $0.key, value: $0.value) } ?? []
        let (items, next) = page.slice(tags)
        return ListTagsForResourceOutput(tags: items, nextToken: next)
    }
}
