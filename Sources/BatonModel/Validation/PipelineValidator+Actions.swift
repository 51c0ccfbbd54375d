extension PipelineValidator {
    mutating func checkAction(_ action: ActionDeclaration, in stage: StageDeclaration, at path: DeclarationPath, index: Int) {
        checkName(action.name, at: path.appending("name"))
        if stage.actions[..<index].contains(where: { $0.name == action.name }) {
            fail(.invalidActionDeclaration, path.appending("name"),
                 "Action name \(action.name) is used more than once in stage \(stage.name); action names must be unique within a stage")
        }
        let type = action.actionTypeId
        let typePath = path.appending("actionTypeId")
        checkEnum(type.category, at: typePath.appending("category"), Self.categories)
        checkEnum(type.owner, at: typePath.appending("owner"), Self.owners)
        checkPattern(type.provider, at: typePath.appending("provider"), pattern: "[0-9A-Za-z_-]+", allowed: Self.isProviderCharacter, length: 1...35)
        checkPattern(type.version, at: typePath.appending("version"), pattern: "[0-9A-Za-z_-]+", allowed: Self.isProviderCharacter, length: 1...9)
        if let runOrder = action.runOrder { checkRange(runOrder, at: path.appending("runOrder"), 1...999) }
        checkRoleArn(action.roleArn, at: path.appending("roleArn"))
        if let namespace = action.namespace {
            checkPattern(namespace, at: path.appending("namespace"), pattern: "[A-Za-z0-9@\\-_]+", allowed: Self.isVariableCharacter, length: 1...100)
        }
        for (inputIndex, input) in (action.inputArtifacts ?? []).enumerated() {
            checkArtifactName(input.name, at: path.member("inputArtifacts", inputIndex).appending("name"))
        }
        for (outputIndex, output) in (action.outputArtifacts ?? []).enumerated() {
            checkArtifactName(output.name, at: path.member("outputArtifacts", outputIndex).appending("name"))
        }

        let isCompute = type.category == "Compute"
        if let commands = action.commands {
            if !isCompute {
                fail(.invalidActionDeclaration, path.appending("commands"),
                     "The following action cannot contain a commands field: \(action.name). To use the commands field, use a compute action.")
            }
            checkCount(commands, at: path.appending("commands"), 1...50)
            for (commandIndex, command) in commands.enumerated() {
                checkLength(command, at: path.member("commands", commandIndex), 1...1000)
            }
        } else if type == .commands {
            fail(.invalidActionDeclaration, path.appending("commands"),
                 "Action \(action.name) is a Commands action without commands; it needs 1 to 50 commands")
        }
        for (outputIndex, output) in (action.outputArtifacts ?? []).enumerated() {
            guard let files = output.files else { continue }
            let at = path.member("outputArtifacts", outputIndex).appending("files")
            if !isCompute {
                fail(.invalidActionDeclaration, at, "Output artifact \(output.name) of action \(action.name) declares files; only compute actions may declare files")
            }
            checkCount(files, at: at, 1...10)
            for (fileIndex, file) in files.enumerated() { checkLength(file, at: at.appending("\(fileIndex + 1)"), 1...128) }
        }
        if let variables = action.outputVariables {
            if !isCompute {
                fail(.invalidActionDeclaration, path.appending("outputVariables"),
                     "Action \(action.name) declares outputVariables; only compute actions may declare outputVariables")
            }
            checkCount(variables, at: path.appending("outputVariables"), 1...15)
            for (variableIndex, name) in variables.enumerated() {
                checkLength(name, at: path.member("outputVariables", variableIndex), 1...128)
            }
        }
        if let region = action.region {
            checkLength(region, at: path.appending("region"), 4...30)
            if type.category == "Source" || type.owner == "ThirdParty" || type.owner == "Custom" {
                fail(.invalidActionDeclaration, path.appending("region"),
                     "Action \(action.name) declares a region; Source, ThirdParty and Custom actions cannot run in another region")
            }
        }
        if let timeout = action.timeoutInMinutes {
            checkRange(timeout, at: path.appending("timeoutInMinutes"), 5...86_400)
            if !(type.category == "Approval" && type.provider == "Manual") {
                fail(.invalidActionDeclaration, path.appending("timeoutInMinutes"),
                     "Action \(action.name) declares timeoutInMinutes; it is available only to manual approval actions")
            }
        }
        if let environment = action.environmentVariables {
            let at = path.appending("environmentVariables")
            checkCount(environment, at: at, 1...10)
            for (variableIndex, variable) in environment.enumerated() {
                let member = path.member("environmentVariables", variableIndex)
                checkPattern(variable.name, at: member.appending("name"), pattern: "[A-Za-z0-9_]+",
                             allowed: { Self.isAlphanumeric($0) || $0 == "_" }, length: 1...128)
                checkLength(variable.value, at: member.appending("value"), 1...2000)
                if let kind = variable.type { checkEnum(kind, at: member.appending("type"), ["PLAINTEXT", "SECRETS_MANAGER"]) }
            }
        }
        for (key, value) in (action.configuration ?? [:]).sorted(by: { $0.key < $1.key }) {
            let at = path.appending("configuration").appending(key)
            checkLength(key, at: at, 1...50)
            // The model says 1000; the service accepts up to 50000, and real pipelines rely on it.
            checkLength(value, at: at, 1...50_000)
        }
        checkActionType(action, at: path)
    }

    /// The action type must exist; its required properties must be set and no unknown ones
    /// given; artifact counts must lie within the type's limits.
    private mutating func checkActionType(_ action: ActionDeclaration, at path: DeclarationPath) {
        let id = action.actionTypeId
        guard let type = actionTypes[id] else {
            guard Self.categories.contains(id.category), Self.owners.contains(id.owner) else { return }
            fail(.invalidActionDeclaration, path.appending("actionTypeId"),
                 "ActionType (Category: '\(id.category)', Provider: '\(id.provider)', Owner: '\(id.owner)', Version: '\(id.version)') in action '\(action.name)' is not available")
            return
        }
        let configuration = action.configuration ?? [:]
        for property in type.actionConfigurationProperties where property.required && configuration[property.name] == nil {
            fail(.invalidActionDeclaration, path.appending("configuration"),
                 "Action configuration for action '\(action.name)' is missing required configuration '\(property.name)'")
        }
        for key in configuration.keys.sorted() where type.property(named: key) == nil {
            fail(.invalidActionDeclaration, path.appending("configuration").appending(key),
                 "Action configuration for action '\(action.name)' contains unknown configuration '\(key)'")
        }
        if let queryable = type.queryableProperty, let value = configuration[queryable.name],
           value.count > 20 || !value.unicodeScalars.allSatisfy({ Self.isAlphanumeric($0) || "_-".unicodeScalars.contains($0) }) {
            fail(.invalidActionDeclaration, path.appending("configuration").appending(queryable.name),
                 "Action configuration for action '\(action.name)': queryable property '\(queryable.name)' must be at most 20 letters, digits, '_' or '-'")
        }
        let inputs = action.inputArtifacts?.count ?? 0
        let outputs = action.outputArtifacts?.count ?? 0
        for (count, details, kind, member) in [
            (inputs, type.inputArtifactDetails, "input", "inputArtifacts"), (outputs, type.outputArtifactDetails, "output", "outputArtifacts"),
        ] {
            if count < details.minimumCount {
                fail(.invalidActionDeclaration, path.appending(member),
                     "Action \(action.name) declares \(count) \(kind) artifacts which is less than the minimum count (\(details.minimumCount))")
            } else if count > details.maximumCount {
                fail(.invalidActionDeclaration, path.appending(member),
                     "Action \(action.name) declares \(count) \(kind) artifacts which is more than the maximum count (\(details.maximumCount))")
            }
        }
    }
}
