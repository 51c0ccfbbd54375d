/// An AWS JSON 1.1 error body: `{"__type": "<ExceptionName>", "message": "..."}`.
package struct APIError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    package var type: String
    package var message: String

    package init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message
        case capitalisedMessage = "Message"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decode(String.self, forKey: .type)
        // botocore's rule: strip a namespace up to '#' and anything after ':'.
        type = String(raw.split(separator: "#").last?.split(separator: ":").first ?? Substring(raw))
        message = try container.decodeIfPresent(String.self, forKey: .message)
            ?? container.decodeIfPresent(String.self, forKey: .capitalisedMessage) ?? ""
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(message, forKey: .message)
    }

    package var description: String { "\(type): \(message)" }

    package static func validation(_ message: String) -> APIError {
        APIError(type: "ValidationException", message: message)
    }
}
