/// Where in a declaration a problem is, in CodePipeline's 1-based member form:
/// `pipeline.stages.2.member.actions.1.member.name`.
package struct DeclarationPath: Sendable, Hashable, CustomStringConvertible {
    package var components: [String]

    package init(_ components: [String] = ["pipeline"]) {
        self.components = components
    }

    package static let pipeline = DeclarationPath()

    package func appending(_ key: String) -> DeclarationPath {
        DeclarationPath(components + [key])
    }

    /// A list element, 0-based index in, 1-based `N.member` out.
    package func member(_ key: String, _ index: Int) -> DeclarationPath {
        DeclarationPath(components + [key, "\(index + 1)", "member"])
    }

    package var description: String { components.joined(separator: ".") }
}
