/// What `#{…}` references resolve against when an action starts.
package struct VariableContext: Sendable, Hashable {
    package var executionID: ExecutionID
    package var pipelineName: String
    package var pipelineVersion: Int
    package var executionType: String
    package var pipelineVariables: [String: String]
    /// Output variables of succeeded actions, by the namespace their action declared.
    package var namespaces: [String: [String: String]]

    package init(
        executionID: ExecutionID, pipelineName: String, pipelineVersion: Int, executionType: String = "STANDARD",
        pipelineVariables: [String: String] = [:], namespaces: [String: [String: String]] = [:]
    ) {
        self.executionID = executionID
        self.pipelineName = pipelineName
        self.pipelineVersion = pipelineVersion
        self.executionType = executionType
        self.pipelineVariables = pipelineVariables
        self.namespaces = namespaces
    }

    package func value(of reference: VariableReference) -> String? {
        switch reference.namespace {
        case VariableReference.pipelineVariables:
            return pipelineVariables[reference.key]
        case VariableReference.codepipeline:
            switch reference.key {
            case "PipelineExecutionId": return executionID.rawValue
            case "PipelineName": return pipelineName
            case "PipelineVersion": return String(pipelineVersion)
            case "PipelineExecutionType": return executionType
            default: return nil
            }
        default:
            return namespaces[reference.namespace]?[reference.key]
        }
    }
}

package enum ActionResolution: Sendable, Hashable {
    case resolved(ResolvedAction)
    /// Some reference could not be resolved: the action fails without running.
    case unresolved(FailureDetails)
}

/// An action's configuration, commands and environment with every reference substituted.
package struct ResolvedAction: Sendable, Hashable {
    package var configuration: [String: String]
    package var commands: [String]?
    package var environmentVariables: [EnvironmentVariable]?
}

extension ActionDeclaration {
    /// Substitutes every `#{…}` reference, or fails the way CodePipeline fails an action whose
    /// variables cannot be resolved.
    package func resolved(in context: VariableContext) -> ActionResolution {
        var unresolved: [VariableReference] = []
        var malformed: [String] = []
        func substitute(_ text: String) -> String {
            do {
                let (result, missing) = try VariableReference.substitute(in: text, context.value(of:))
                unresolved += missing
                return result
            } catch {
                malformed.append("\(error)")
                return text
            }
        }
        let resolved = ResolvedAction(
            configuration: (configuration ?? [:]).mapValues(substitute),
            commands: commands?.map(substitute),
            environmentVariables: environmentVariables?.map { EnvironmentVariable(name: $0.name, value: substitute($0.value), type: $0.type) })
        guard unresolved.isEmpty && malformed.isEmpty else {
            let detail = (unresolved.map(\.description) + malformed).joined(separator: ", ")
            return .unresolved(FailureDetails(
                type: .configurationError,
                message: "An action in this pipeline failed because one or more variables could not be resolved: Action name=\(name) (\(detail))"))
        }
        return .resolved(resolved)
    }
}

extension PipelineDeclaration {
    /// The values of the pipeline's variables for one execution: the declared defaults, with
    /// `overrides` (StartPipelineExecution's `variables`) on top. A name the pipeline does not
    /// declare, an empty value, or a variable with neither default nor value is refused.
    package func pipelineVariableValues(_ overrides: [String: String]) throws(PipelineValidationError) -> [String: String] {
        var issues: [PipelineValidationError.Issue] = []
        let declared = variables ?? []
        var values: [String: String] = [:]
        for variable in declared {
            if let value = variable.defaultValue { values[variable.name] = value }
        }
        var refused: Set<String> = []
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            let path = DeclarationPath(["variables"])
            if !declared.contains(where: { $0.name == name }) {
                issues.append(.init(exception: .validation, path: path,
                                    message: "Variable \(name) is not declared in pipeline \(self.name)"))
            } else if value.isEmpty || value.count > 1000 {
                refused.insert(name)
                issues.append(.init(exception: .validation, path: path,
                                    message: "Value of variable \(name) failed to satisfy constraint: Member must have length between 1 and 1000"))
            } else {
                values[name] = value
            }
        }
        for variable in declared where values[variable.name] == nil && !refused.contains(variable.name) {
            issues.append(.init(exception: .validation, path: DeclarationPath(["variables"]),
                                message: "Variable \(variable.name) of pipeline \(name) has no default value and no value was supplied"))
        }
        if !issues.isEmpty { throw PipelineValidationError(issues: issues) }
        return values
    }
}
