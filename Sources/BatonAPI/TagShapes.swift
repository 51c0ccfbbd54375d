/// TagResource, UntagResource and ListTagsForResource.
package struct TagResourceInput: Sendable, Codable {
    package var resourceArn: String
    package var tags: [Tag]

    package init(resourceArn: String, tags: [Tag]) {
        self.resourceArn = resourceArn
        self.tags = tags
    }
}

package struct UntagResourceInput: Sendable, Codable {
    package var resourceArn: String
    package var tagKeys: [String]

    package init(resourceArn: String, tagKeys: [String]) {
        self.resourceArn = resourceArn
        self.tagKeys = tagKeys
    }
}

package struct ListTagsForResourceInput: Sendable, Codable {
    package var resourceArn: String
    package var nextToken: String?
    package var maxResults: Int?

    package init(resourceArn: String, nextToken: String? = nil, maxResults: Int? = nil) {
        self.resourceArn = resourceArn
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

package struct ListTagsForResourceOutput: Sendable, Codable {
    package var tags: [Tag]
    package var nextToken: String?

    package init(tags: [Tag], nextToken: String?) {
        self.tags = tags
        self.nextToken = nextToken
    }
}
