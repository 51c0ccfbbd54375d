extension PipelineValidator {
    static let categories = ["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"]
    static let owners = ["AWS", "ThirdParty", "Custom"]

    /// Pipeline-level members: name, role, artifact stores, type, mode, variables.
    mutating func checkPipelineShape() {
        let root = DeclarationPath.pipeline
        checkName(declaration.name, at: root.appending("name"))
        checkRoleArn(declaration.roleArn, at: root.appending("roleArn"))
        if let version = declaration.version { checkRange(version, at: root.appending("version"), 1...Int.max) }
        if let type = declaration.pipelineType { checkEnum(type, at: root.appending("pipelineType"), ["V1", "V2"]) }

        if let store = declaration.artifactStore { checkArtifactStore(store, at: root.appending("artifactStore")) }
        for (region, store) in (declaration.artifactStores ?? [:]).sorted(by: { $0.key < $1.key }) {
            checkLength(region, at: root.appending("artifactStores").appending(region), 4...30)
            checkArtifactStore(store, at: root.appending("artifactStores").appending(region))
        }

        if let variables = declaration.variables {
            let path = root.appending("variables")
            checkCount(variables, at: path, 0...50)
            var seen: Set<String> = []
            for (index, variable) in variables.enumerated() {
                let at = root.member("variables", index)
                checkPattern(variable.name, at: at.appending("name"), pattern: "[A-Za-z0-9@\\-_]+", allowed: Self.isVariableCharacter, length: 1...128)
                if let value = variable.defaultValue { checkLength(value, at: at.appending("defaultValue"), 1...1000) }
                if let text = variable.description { checkLength(text, at: at.appending("description"), 0...200) }
                if !seen.insert(variable.name).inserted {
                    fail(.invalidStructure, at.appending("name"), "Pipeline variable \(variable.name) is declared more than once; variable names must be unique")
                }
            }
        }
    }

    private mutating func checkArtifactStore(_ store: ArtifactStoreDeclaration, at path: DeclarationPath) {
        checkEnum(store.type, at: path.appending("type"), ["S3"])
        checkPattern(store.location, at: path.appending("location"), pattern: "[a-zA-Z0-9\\-\\.]+",
                     allowed: { Self.isAlphanumeric($0) || "-.".unicodeScalars.contains($0) }, length: 3...63)
        if let key = store.encryptionKey {
            checkLength(key.id, at: path.appending("encryptionKey").appending("id"), 1...400)
            checkEnum(key.type, at: path.appending("encryptionKey").appending("type"), ["KMS"])
        }
    }

    /// Rules about the pipeline as a whole: stage count, where Source actions go, V2-only
    /// members, artifact stores and regions, action totals.
    mutating func checkStructure() {
        let root = DeclarationPath.pipeline
        let stages = declaration.stages
        if stages.count < 2 || stages.count > 50 {
            fail(.invalidStructure, root.appending("stages"),
                 "Pipeline \(declaration.name) has \(stages.count) stage\(stages.count == 1 ? "" : "s"); a pipeline must have between 2 and 50 stages")
        }
        if let first = stages.first, !first.actions.isEmpty, !first.actions.contains(where: \.isSource) {
            fail(.invalidStructure, root.member("stages", 0),
                 "The first stage \(first.name) has no Source action; the first stage of a pipeline must contain at least one Source action")
        }
        for (stageIndex, stage) in stages.enumerated() {
            for (actionIndex, action) in stage.actions.enumerated() {
                let path = root.member("stages", stageIndex).member("actions", actionIndex).appending("actionTypeId")
                if stageIndex == 0 && !action.isSource {
                    fail(.invalidStructure, path,
                         "Action \(action.name) in the first stage is not a Source action; the first stage may contain only Source actions")
                } else if stageIndex > 0 && action.isSource {
                    fail(.invalidStructure, path,
                         "Source action \(action.name) is in stage \(stage.name); Source actions may only be in the first stage")
                }
            }
        }
        if !stages.isEmpty && stages.allSatisfy({ $0.actions.allSatisfy(\.isSource) }) {
            fail(.invalidStructure, root.appending("stages"),
                 "Pipeline \(declaration.name) has no non-Source action; at least one stage must contain an action that is not a Source action")
        }
        let total = stages.reduce(0) { $0 + $1.actions.count }
        if total > 500 {
            fail(.invalidStructure, root.appending("stages"), "Pipeline \(declaration.name) has \(total) actions; a pipeline may have at most 500 actions")
        }

        // Exactly one of artifactStore and artifactStores; regions need artifactStores.
        if declaration.artifactStore != nil && declaration.artifactStores != nil {
            fail(.invalidStructure, root.appending("artifactStores"),
                 "Pipeline \(declaration.name) declares both artifactStore and artifactStores; declare only one")
        }
        let regions = Set(stages.flatMap(\.actions).compactMap(\.region))
        if !regions.isEmpty {
            if let stores = declaration.artifactStores {
                for region in regions.sorted() where stores[region] == nil {
                    fail(.invalidStructure, root.appending("artifactStores"),
                         "Pipeline \(declaration.name) has actions in region \(region) but artifactStores has no entry for \(region)")
                }
            } else {
                fail(.invalidStructure, root.appending("artifactStores"),
                     "Pipeline \(declaration.name) has cross-region actions (\(regions.sorted().joined(separator: ", "))); cross-region actions require artifactStores with an entry for each region")
            }
        }

        // V2-only members, and PARALLEL's restriction on rollback.
        let isV1 = declaration.pipelineType == "V1"
        if let mode = declaration.executionMode, mode != .superseded, isV1 {
            fail(.invalidStructure, root.appending("executionMode"), "\(mode.rawValue) mode can only be used with V2 pipelines")
        }
        if isV1 {
            if declaration.variables != nil {
                fail(.invalidStructure, root.appending("variables"), "Pipeline variables can only be used with V2 pipelines")
            }
            if declaration.triggers != nil {
                fail(.invalidStructure, root.appending("triggers"), "Triggers can only be used with V2 pipelines")
            }
            for (index, stage) in stages.enumerated() where stage.beforeEntry != nil || stage.onSuccess != nil || stage.onFailure != nil {
                fail(.invalidStructure, root.member("stages", index), "Stage \(stage.name) declares conditions; stage conditions can only be used with V2 pipelines")
            }
        }
        if declaration.executionMode == .parallel {
            for (index, stage) in stages.enumerated() {
                let results = [stage.onFailure?.result] + stage.conditionResults.map(Optional.some)
                if results.contains("ROLLBACK") {
                    fail(.invalidStructure, root.member("stages", index),
                         "Stage \(stage.name) uses the ROLLBACK result; rollback is not available in PARALLEL mode")
                }
            }
        }
    }
}

extension ActionDeclaration {
    var isSource: Bool { actionTypeId.category == "Source" }
}

extension StageDeclaration {
    /// Results named by this stage's conditions, in every hook.
    var conditionResults: [String] {
        let conditions = (beforeEntry?.conditions ?? []) + (onSuccess?.conditions ?? []) + (onFailure?.conditions ?? [])
        return conditions.compactMap(\.result)
    }
}
