import Foundation

/// What a condition rule decided.
package enum RuleOutcome: Sendable, Hashable {
    case succeeded
    case failed(String)
    /// The rule could not be evaluated (an unsupported type, a bad configuration).
    case errored(String)
}

extension RuleDeclaration {
    /// Evaluates a rule that needs nothing but the execution's variables. `VariableCheck`
    /// compares a resolved `Variable` with `Value` using `Operator` (EQ, NE, CONTAINS, MATCHES,
    /// GT, LT); other rule types report `errored`.
    package func evaluate(in context: VariableContext) -> RuleOutcome {
        guard ruleTypeId.provider == "VariableCheck" else {
            return .errored("Rule \(name) is a \(ruleTypeId.provider) rule, which the engine does not evaluate: VariableCheck and DeploymentWindow rules are evaluated by the engine, Commands and LambdaInvoke rules run on workers")
        }
        let configuration = self.configuration ?? [:]
        guard let variable = configuration["Variable"], let expected = configuration["Value"] else {
            return .errored("Rule \(name) needs Variable and Value")
        }
        let resolved: String
        do {
            let (text, unresolved) = try VariableReference.substitute(in: variable, context.value(of:))
            guard unresolved.isEmpty else {
                return .errored("Rule \(name): \(unresolved.map(\.description).joined(separator: ", ")) could not be resolved")
            }
            resolved = text
        } catch {
            return .errored("Rule \(name): \(error)")
        }
        let comparison = configuration["Operator"] ?? "EQ"
        let holds: Bool
        switch comparison {
        case "EQ": holds = resolved == expected
        case "NE": holds = resolved != expected
        case "CONTAINS": holds = resolved.contains(expected)
        case "MATCHES":
            guard let regex = try? NSRegularExpression(pattern: expected) else { return .errored("Rule \(name): '\(expected)' is not a regular expression") }
            holds = regex.firstMatch(in: resolved, range: NSRange(resolved.startIndex..., in: resolved)) != nil
        case "GT", "LT":
            guard let left = Double(resolved), let right = Double(expected) else {
                return .errored("Rule \(name): \(comparison) compares numbers, not '\(resolved)' and '\(expected)'")
            }
            holds = comparison == "GT" ? left > right : left < right
        default:
            return .errored("Rule \(name): unknown Operator \(comparison); use EQ, NE, CONTAINS, MATCHES, GT or LT")
        }
        return holds ? .succeeded : .failed("Rule \(name): '\(resolved)' \(comparison) '\(expected)' does not hold")
    }
}

extension ConditionDeclaration {
    /// A condition is met when every rule succeeds; the first rule that does not decides why.
    package func evaluate(in context: VariableContext) -> RuleOutcome {
        for rule in rules {
            let outcome = rule.evaluate(in: context)
            if outcome != .succeeded { return outcome }
        }
        return .succeeded
    }
}

/// Where a moment stands against a `DeploymentWindow` rule.
package enum DeploymentWindowCheck: Sendable, Hashable {
    case open
    /// Outside the window; `opening` is when it next opens (nil: not within five years).
    case closed(opening: Timestamp?, reason: String)
    case invalid(String)
}

extension RuleDeclaration {
    package func deploymentWindow(at now: Timestamp) -> DeploymentWindowCheck {
        let configuration = self.configuration ?? [:]
        guard let cron = configuration["Cron"] else { return .invalid("Rule \(name) needs configuration Cron") }
        let schedule: CronSchedule
        do {
            schedule = try CronSchedule(cron, timeZone: configuration["TimeZone"])
        } catch {
            return .invalid("Rule \(name): \(error)")
        }
        if schedule.contains(now) { return .open }
        let opening = schedule.nextOpening(after: now)
        let when = opening.map { "it opens next at \($0.date.ISO8601Format())" } ?? "it does not open within five years"
        return .closed(opening: opening, reason: "Rule \(name): outside the deployment window '\(cron)' (\(schedule.timeZone.identifier)); \(when)")
    }
}
