/// Lowercase UUID strings, CodePipeline's format for execution ids, job ids and tokens.
package protocol UUIDIdentifier: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension UUIDIdentifier {
    package var description: String { rawValue }
}

package struct ExecutionID: UUIDIdentifier {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
}

package struct JobID: UUIDIdentifier {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
}

package struct ActionExecutionID: UUIDIdentifier {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
}
