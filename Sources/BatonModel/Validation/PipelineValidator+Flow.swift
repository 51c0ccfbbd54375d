extension PipelineValidator {
    /// Where each action runs in the pipeline's order: stage index, then runOrder.
    struct Position: Comparable {
        let stage: Int
        let runOrder: Int
        static func < (lhs: Position, rhs: Position) -> Bool { (lhs.stage, lhs.runOrder) < (rhs.stage, rhs.runOrder) }
    }

    func position(stage: Int, action: ActionDeclaration) -> Position {
        Position(stage: stage, runOrder: action.effectiveRunOrder)
    }

    /// Output names are unique in the pipeline; each input is the output of an action that runs earlier.
    mutating func checkArtifactFlow() {
        var producers: [String: Position] = [:]
        for (stageIndex, stage) in declaration.stages.enumerated() {
            for (actionIndex, action) in stage.actions.enumerated() {
                for (outputIndex, output) in action.outputArtifactNames.enumerated() {
                    if producers[output] != nil {
                        fail(.invalidActionDeclaration,
                             DeclarationPath.pipeline.member("stages", stageIndex).member("actions", actionIndex).member("outputArtifacts", outputIndex),
                             "Output Artifact Bundle name must be unique within the pipeline. \(output) has been used more than once.")
                    } else {
                        producers[output] = position(stage: stageIndex, action: action)
                    }
                }
            }
        }
        for (stageIndex, stage) in declaration.stages.enumerated() {
            for (actionIndex, action) in stage.actions.enumerated() {
                let here = position(stage: stageIndex, action: action)
                for (inputIndex, input) in action.inputArtifactNames.enumerated() {
                    let path = DeclarationPath.pipeline.member("stages", stageIndex).member("actions", actionIndex).member("inputArtifacts", inputIndex)
                    guard let producer = producers[input] else {
                        fail(.invalidActionDeclaration, path,
                             "Input Artifact Bundle \(input) of action \(action.name) is not the output of any action in the pipeline")
                        continue
                    }
                    if !(producer < here) {
                        fail(.invalidActionDeclaration, path,
                             "Input Artifact Bundle \(input) of action \(action.name) is produced by an action that does not run before it; an input must come from an earlier stage or a lower runOrder")
                    }
                }
                if Set(action.inputArtifactNames).count != action.inputArtifactNames.count {
                    fail(.invalidActionDeclaration, DeclarationPath.pipeline.member("stages", stageIndex).member("actions", actionIndex).appending("inputArtifacts"),
                         "Action \(action.name) names the same input artifact more than once")
                }
            }
        }
    }

    /// Namespaces are unique across the pipeline and differ from every artifact name.
    mutating func checkNamespaces() {
        let artifactNames = Set(declaration.stages.flatMap(\.actions).flatMap(\.outputArtifactNames))
        var seen: Set<String> = []
        for (stageIndex, stage) in declaration.stages.enumerated() {
            for (actionIndex, action) in stage.actions.enumerated() {
                guard let namespace = action.namespace else { continue }
                let path = DeclarationPath.pipeline.member("stages", stageIndex).member("actions", actionIndex).appending("namespace")
                if !seen.insert(namespace).inserted || [VariableReference.pipelineVariables, VariableReference.codepipeline].contains(namespace) {
                    fail(.invalidActionDeclaration, path,
                         "Namespaces must be unique across the pipeline definition. The following occur more than once in the pipeline. StageName=[\(stage.name)], ActionName=[\(action.name)], Namespace=[\(namespace)]")
                }
                if artifactNames.contains(namespace) {
                    fail(.invalidActionDeclaration, path,
                         "Namespace \(namespace) of action \(action.name) is also an artifact name; namespaces must differ from artifact names")
                }
            }
        }
    }

    /// Every `#{…}` reference is well formed and names something that will exist when the action
    /// starts: a declared pipeline variable, a known execution fact, or the namespace of an
    /// action that runs earlier (and, for compute actions, one of its declared outputVariables).
    mutating func checkVariableReferences() {
        var namespaces: [String: (Position, ActionDeclaration)] = [:]
        for (stageIndex, stage) in declaration.stages.enumerated() {
            for action in stage.actions {
                if let namespace = action.namespace, namespaces[namespace] == nil {
                    namespaces[namespace] = (position(stage: stageIndex, action: action), action)
                }
            }
        }
        let pipelineVariables = Set((declaration.variables ?? []).map(\.name))
        for (stageIndex, stage) in declaration.stages.enumerated() {
            for (actionIndex, action) in stage.actions.enumerated() {
                let here = position(stage: stageIndex, action: action)
                let actionPath = DeclarationPath.pipeline.member("stages", stageIndex).member("actions", actionIndex)
                for (field, text) in action.textsWithVariables {
                    let path = actionPath.appending(field)
                    let references: [VariableReference]
                    do {
                        references = try VariableReference.references(in: text)
                    } catch {
                        fail(.invalidActionDeclaration, path, "Action \(action.name): \(field) has an invalid variable reference: \(error)")
                        continue
                    }
                    for reference in references {
                        switch reference.namespace {
                        case VariableReference.pipelineVariables:
                            if !pipelineVariables.contains(reference.key) {
                                fail(.invalidActionDeclaration, path,
                                     "Action \(action.name) references \(reference), but the pipeline declares no variable \(reference.key)")
                            }
                        case VariableReference.codepipeline:
                            if !VariableReference.codepipelineKeys.contains(reference.key) {
                                fail(.invalidActionDeclaration, path,
                                     "Action \(action.name) references \(reference); the codepipeline namespace has \(VariableReference.codepipelineKeys.sorted().joined(separator: ", "))")
                            }
                        default:
                            guard let (producerPosition, producer) = namespaces[reference.namespace] else {
                                fail(.invalidActionDeclaration, path,
                                     "Action \(action.name) references \(reference), but no action declares the namespace \(reference.namespace)")
                                continue
                            }
                            if !(producerPosition < here) {
                                fail(.invalidActionDeclaration, path,
                                     "Action \(action.name) references \(reference), but action \(producer.name) that declares \(reference.namespace) does not run before it")
                            } else if let declared = producer.outputVariables, producer.actionTypeId.category == "Compute", !declared.contains(reference.key) {
                                fail(.invalidActionDeclaration, path,
                                     "Action \(action.name) references \(reference), but action \(producer.name) declares no output variable \(reference.key)")
                            }
                        }
                    }
                }
            }
        }
    }
}

extension ActionDeclaration {
    /// The texts in which variables are resolved at action start, by field path.
    var textsWithVariables: [(String, String)] {
        var texts: [(String, String)] = (configuration ?? [:]).sorted { $0.key < $1.key }.map { ("configuration.\($0.key)", $0.value) }
        for (index, command) in (commands ?? []).enumerated() { texts.append(("commands.\(index + 1).member", command)) }
        for (index, variable) in (environmentVariables ?? []).enumerated() { texts.append(("environmentVariables.\(index + 1).member.value", variable.value)) }
        return texts
    }
}
