/// Everything wrong with a declaration, reported at once, named as CodePipeline names it.
package struct PipelineValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// CodePipeline's exception names, so the HTTP layer can answer with the same `__type`.
    package enum Exception: String, Sendable, Equatable {
        case validation = "ValidationException"
        case invalidStructure = "InvalidStructureException"
        case invalidActionDeclaration = "InvalidActionDeclarationException"
        case invalidStageDeclaration = "InvalidStageDeclarationException"
        case invalidBlockerDeclaration = "InvalidBlockerDeclarationException"
    }

    package struct Issue: Sendable, Equatable, CustomStringConvertible {
        package var exception: Exception
        package var path: DeclarationPath
        package var message: String

        package var description: String { message }
    }

    package var issues: [Issue]

    /// The exception of the first issue: CodePipeline answers one exception type per request.
    package var exception: Exception { issues.first?.exception ?? .validation }

    /// CodePipeline's form: one structural problem is its message alone; shape problems, or
    /// several problems, read `N validation errors detected: first; second; …`.
    package var description: String {
        let count = issues.count
        if count == 1, let only = issues.first, only.exception != .validation { return only.message }
        let prefix = count == 1 ? "1 validation error detected: " : "\(count) validation errors detected: "
        return prefix + issues.map(\.message).joined(separator: "; ")
    }
}
