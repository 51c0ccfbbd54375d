extension PipelineDeclaration {
    /// Checks the structural rules Baton needs to run a pipeline; every problem is reported at once.
    package func validate() throws(PipelineValidationError) {
        var issues: [PipelineValidationError.Issue] = []
        func fail(_ exception: PipelineValidationError.Exception, _ path: DeclarationPath, _ message: String) {
            issues.append(.init(exception: exception, path: path, message: message))
        }
        func checkName(_ value: String, at path: DeclarationPath, max: Int = 100) {
            let allowed = value.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || ".@-_".unicodeScalars.contains($0)
            }
            if value.isEmpty || value.count > max || !allowed {
                fail(.validation, path,
                     "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+ and have length between 1 and \(max)")
            }
        }

        checkName(name, at: .pipeline.appending("name"))
        if stages.count < 2 || stages.count > 50 {
            fail(.invalidStructure, .pipeline.appending("stages"),
                 "Pipeline \(name) has \(stages.count) stages; a pipeline must have between 2 and 50 stages")
        }

        var stageNames: Set<String> = []
        var produced: Set<String> = []
        for (stageIndex, stage) in stages.enumerated() {
            let stagePath = DeclarationPath.pipeline.member("stages", stageIndex)
            checkName(stage.name, at: stagePath.appending("name"))
            if !stageNames.insert(stage.name).inserted {
                fail(.invalidStageDeclaration, stagePath.appending("name"),
                     "Stage name \(stage.name) is used more than once; stage names must be unique within a pipeline")
            }
            if stage.actions.isEmpty {
                fail(.invalidStageDeclaration, stagePath.appending("actions"),
                     "Stage \(stage.name) has no actions; a stage must have between 1 and 50 actions")
            }
            var actionNames: Set<String> = []
            for group in stage.runOrderGroups {
                var producedInGroup: [String] = []
                for action in group {
                    let actionIndex = stage.actions.firstIndex(of: action) ?? 0
                    let actionPath = stagePath.member("actions", actionIndex)
                    checkName(action.name, at: actionPath.appending("name"))
                    if !actionNames.insert(action.name).inserted {
                        fail(.invalidActionDeclaration, actionPath.appending("name"),
                             "Action name \(action.name) is used more than once in stage \(stage.name); action names must be unique within a stage")
                    }
                    if let runOrder = action.runOrder, !(1...999).contains(runOrder) {
                        fail(.validation, actionPath.appending("runOrder"),
                             "Value '\(runOrder)' at '\(actionPath.appending("runOrder"))' failed to satisfy constraint: Member must have value between 1 and 999")
                    }
                    let isSource = action.actionTypeId.category == "Source"
                    if stageIndex == 0 && !isSource {
                        fail(.invalidStructure, actionPath.appending("actionTypeId"),
                             "Action \(action.name) in the first stage is not a Source action; the first stage must contain only Source actions")
                    } else if stageIndex > 0 && isSource {
                        fail(.invalidStructure, actionPath.appending("actionTypeId"),
                             "Source action \(action.name) is in stage \(stage.name); Source actions may only be in the first stage")
                    }
                    if action.commands != nil && action.actionTypeId.category != "Compute" {
                        fail(.invalidActionDeclaration, actionPath.appending("commands"),
                             "The following action cannot contain a commands field: \(action.name). To use the commands field, use a compute action.")
                    }
                    for (inputIndex, input) in action.inputArtifactNames.enumerated() where !produced.contains(input) {
                        fail(.invalidActionDeclaration, actionPath.member("inputArtifacts", inputIndex),
                             "Input Artifact Bundle \(input) of action \(action.name) is not an output of any earlier action in the pipeline")
                    }
                    for (outputIndex, output) in action.outputArtifactNames.enumerated() {
                        if produced.contains(output) || producedInGroup.contains(output) {
                            fail(.invalidActionDeclaration, actionPath.member("outputArtifacts", outputIndex),
                                 "Output Artifact Bundle name must be unique within the pipeline. \(output) has been used more than once.")
                        }
                        producedInGroup.append(output)
                    }
                }
                produced.formUnion(producedInGroup)
            }
        }
        if !stages.isEmpty && stages.allSatisfy({ $0.actions.allSatisfy { $0.actionTypeId.category == "Source" } }) {
            fail(.invalidStructure, .pipeline.appending("stages"),
                 "Pipeline \(name) has no non-Source action; at least one stage must contain a non-Source action")
        }
        if !issues.isEmpty { throw PipelineValidationError(issues: issues) }
    }
}
