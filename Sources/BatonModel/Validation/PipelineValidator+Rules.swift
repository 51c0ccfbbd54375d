extension PipelineValidator {
    /// Checks what each managed rule needs: a DeploymentWindow's cron and time zone, a
    /// LambdaInvoke's function, a VariableCheck's variable; CloudWatchAlarm cannot apply here.
    mutating func checkRuleConfiguration(_ rule: RuleDeclaration, stage: String, at path: DeclarationPath) {
        let configuration = rule.configuration ?? [:]
        let at = path.appending("configuration")
        func require(_ key: String) {
            if configuration[key] == nil {
                fail(.invalidStageDeclaration, at.appending(key), "Stage \(stage): rule \(rule.name) (\(rule.ruleTypeId.provider)) needs configuration \(key)")
            }
        }
        switch rule.ruleTypeId.provider {
        case "DeploymentWindow":
            require("Cron")
            if let cron = configuration["Cron"] {
                do {
                    _ = try CronSchedule(cron, timeZone: configuration["TimeZone"])
                } catch {
                    fail(.invalidStageDeclaration, at.appending("Cron"), "Stage \(stage): rule \(rule.name): \(error)")
                }
            }
        case "LambdaInvoke":
            require("FunctionName")
        case "VariableCheck":
            require("Variable")
            require("Value")
        case "CloudWatchAlarm":
            fail(.invalidStageDeclaration, path.appending("ruleTypeId"),
                 "Stage \(stage): rule \(rule.name) is a CloudWatchAlarm rule, which reads Amazon CloudWatch alarms and cannot apply to a self-hosted Baton; check your monitoring from a Commands or LambdaInvoke rule instead")
        default:
            break
        }
    }
}
