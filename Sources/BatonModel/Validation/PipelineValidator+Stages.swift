extension PipelineValidator {
    mutating func checkStage(_ stage: StageDeclaration, at stageIndex: Int) {
        let path = DeclarationPath.pipeline.member("stages", stageIndex)
        checkName(stage.name, at: path.appending("name"))
        if declaration.stages[..<stageIndex].contains(where: { $0.name == stage.name }) {
            fail(.invalidStageDeclaration, path.appending("name"),
                 "Stage name \(stage.name) is used more than once; stage names must be unique within a pipeline")
        }
        if stage.actions.isEmpty || stage.actions.count > 50 {
            fail(.invalidStageDeclaration, path.appending("actions"),
                 "Stage \(stage.name) has \(stage.actions.count) actions; a stage must have between 1 and 50 actions")
        }
        let groups = stage.runOrderGroups
        if groups.count > 50 {
            fail(.invalidStageDeclaration, path.appending("actions"),
                 "Stage \(stage.name) has \(groups.count) sequential actions; a stage may have at most 50")
        }
        for group in groups where group.count > 50 {
            fail(.invalidStageDeclaration, path.appending("actions"),
                 "Stage \(stage.name) has \(group.count) parallel actions with runOrder \(group[0].effectiveRunOrder); a stage may have at most 50")
        }
        for (index, blocker) in (stage.blockers ?? []).enumerated() {
            let at = path.member("blockers", index)
            if !(1...100).contains(blocker.name.count) || blocker.type != "Schedule" {
                fail(.invalidBlockerDeclaration, at,
                     "Blocker \(blocker.name) in stage \(stage.name) is not valid; a blocker needs a name of 1 to 100 characters and type Schedule")
            }
        }
        checkConditions(stage, at: path)
        for (actionIndex, action) in stage.actions.enumerated() {
            checkAction(action, in: stage, at: path.member("actions", actionIndex), index: actionIndex)
        }
    }

    private mutating func checkConditions(_ stage: StageDeclaration, at path: DeclarationPath) {
        if let entry = stage.beforeEntry {
            let at = path.appending("beforeEntry")
            checkCount(entry.conditions, at: at.appending("conditions"), 1...1)
            for (index, condition) in entry.conditions.enumerated() {
                checkCondition(condition, at: at.member("conditions", index), stage: stage, allowed: ["FAIL", "SKIP"], hook: "beforeEntry")
                if condition.result == "SKIP" {
                    for rule in condition.rules where !["LambdaInvoke", "VariableCheck"].contains(rule.ruleTypeId.provider) {
                        fail(.invalidStageDeclaration, at.member("conditions", index),
                             "Stage \(stage.name): a beforeEntry condition with result SKIP may only use LambdaInvoke and VariableCheck rules, not \(rule.ruleTypeId.provider)")
                    }
                }
            }
        }
        if let success = stage.onSuccess {
            let at = path.appending("onSuccess")
            checkCount(success.conditions, at: at.appending("conditions"), 1...1)
            for (index, condition) in success.conditions.enumerated() {
                checkCondition(condition, at: at.member("conditions", index), stage: stage, allowed: ["ROLLBACK", "FAIL"], hook: "onSuccess")
            }
        }
        if let failure = stage.onFailure {
            let at = path.appending("onFailure")
            if let result = failure.result { checkEnum(result, at: at.appending("result"), ["ROLLBACK", "FAIL", "RETRY", "SKIP"]) }
            if let mode = failure.retryConfiguration?.retryMode {
                checkEnum(mode, at: at.appending("retryConfiguration").appending("retryMode"), ["ALL_ACTIONS", "FAILED_ACTIONS"])
            }
            if failure.result == "RETRY", !(failure.conditions ?? []).isEmpty {
                fail(.invalidStageDeclaration, at,
                     "Stage \(stage.name): automatic retry (onFailure result RETRY) cannot be combined with onFailure conditions")
            }
            if failure.retryConfiguration != nil && failure.result != "RETRY" {
                fail(.invalidStageDeclaration, at.appending("retryConfiguration"),
                     "Stage \(stage.name): retryConfiguration applies only to the onFailure result RETRY")
            }
            checkCount(failure.conditions, at: at.appending("conditions"), 1...1)
            for (index, condition) in (failure.conditions ?? []).enumerated() {
                checkCondition(condition, at: at.member("conditions", index), stage: stage, allowed: ["ROLLBACK", "FAIL"], hook: "onFailure")
            }
        }
    }

    private mutating func checkCondition(_ condition: ConditionDeclaration, at path: DeclarationPath, stage: StageDeclaration, allowed: [String], hook: String) {
        if let result = condition.result {
            checkEnum(result, at: path.appending("result"), ["ROLLBACK", "FAIL", "RETRY", "SKIP"])
            if ["ROLLBACK", "FAIL", "RETRY", "SKIP"].contains(result) && !allowed.contains(result) {
                fail(.invalidStageDeclaration, path.appending("result"),
                     "Stage \(stage.name): result \(result) is not allowed in \(hook) conditions; use \(allowed.joined(separator: " or "))")
            }
        }
        checkCount(condition.rules, at: path.appending("rules"), 1...5)
        var names: Set<String> = []
        for (index, rule) in condition.rules.enumerated() {
            let at = path.member("rules", index)
            checkName(rule.name, at: at.appending("name"))
            if !names.insert(rule.name).inserted {
                fail(.invalidStageDeclaration, at.appending("name"), "Stage \(stage.name): rule name \(rule.name) is used more than once in one condition")
            }
            checkEnum(rule.ruleTypeId.category, at: at.appending("ruleTypeId").appending("category"), ["Rule"])
            if let owner = rule.ruleTypeId.owner { checkEnum(owner, at: at.appending("ruleTypeId").appending("owner"), ["AWS"]) }
            checkPattern(rule.ruleTypeId.provider, at: at.appending("ruleTypeId").appending("provider"), pattern: "[0-9A-Za-z_-]+",
                         allowed: Self.isProviderCharacter, length: 1...35)
            if Self.isProviderCharacterString(rule.ruleTypeId.provider),
               !["CloudWatchAlarm", "DeploymentWindow", "LambdaInvoke", "VariableCheck", "Commands"].contains(rule.ruleTypeId.provider) {
                fail(.invalidStageDeclaration, at.appending("ruleTypeId"),
                     "Stage \(stage.name): rule \(rule.name) uses unknown rule type \(rule.ruleTypeId.provider); Baton knows CloudWatchAlarm, DeploymentWindow, LambdaInvoke, VariableCheck and Commands")
            }
            checkRuleConfiguration(rule, stage: stage.name, at: at)
            checkCount(rule.configuration.map { Array($0) }, at: at.appending("configuration"), 0...200)
            for (key, value) in (rule.configuration ?? [:]).sorted(by: { $0.key < $1.key }) {
                checkLength(key, at: at.appending("configuration").appending(key), 1...50)
                checkLength(value, at: at.appending("configuration").appending(key), 1...10_000)
            }
            checkCount(rule.commands, at: at.appending("commands"), 1...50)
            if let timeout = rule.timeoutInMinutes { checkRange(timeout, at: at.appending("timeoutInMinutes"), 5...86_400) }
            checkRoleArn(rule.roleArn, at: at.appending("roleArn"))
        }
    }

    static func isProviderCharacterString(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 35 && value.unicodeScalars.allSatisfy(isProviderCharacter)
    }
}
