extension PipelineDeclaration {
    /// CodePipeline's mask for secret configuration values in every read but the job itself.
    package static let secretMask = "****"

    /// This declaration with the value of every secret configuration property (as its action
    /// type declares) replaced by the mask.
    package func maskingSecrets(actionTypes: ActionTypeRegistry) -> PipelineDeclaration {
        mapConfigurations(actionTypes: actionTypes) { _, _, _, _ in Self.secretMask }
    }

    /// This declaration with masked secret values put back from `stored` (the version it
    /// updates), so sending a masked value back in UpdatePipeline keeps the secret.
    package func restoringSecrets(from stored: PipelineDeclaration, actionTypes: ActionTypeRegistry) -> PipelineDeclaration {
        mapConfigurations(actionTypes: actionTypes) { stage, action, key, value in
            guard value == Self.secretMask,
                  let old = stored.stage(named: stage)?.actions.first(where: { $0.name == action })?.configuration?[key]
            else { return value }
            return old
        }
    }

    private func mapConfigurations(
        actionTypes: ActionTypeRegistry, _ transform: (String, String, String, String) -> String
    ) -> PipelineDeclaration {
        var copy = self
        for stageIndex in copy.stages.indices {
            for actionIndex in copy.stages[stageIndex].actions.indices {
                let action = copy.stages[stageIndex].actions[actionIndex]
                guard let secrets = actionTypes[action.actionTypeId]?.secretPropertyNames, !secrets.isEmpty,
                      var configuration = action.configuration
                else { continue }
                for key in secrets {
                    if let value = configuration[key] {
                        configuration[key] = transform(copy.stages[stageIndex].name, action.name, key, value)
                    }
                }
                copy.stages[stageIndex].actions[actionIndex].configuration = configuration
            }
        }
        return copy
    }
}
