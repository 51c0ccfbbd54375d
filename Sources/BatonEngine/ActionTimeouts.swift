import BatonModel

/// How long an action may run before it is failed as timed out (semantics §1.10, E-110).
enum ActionTimeouts {
    static let minute = 60.0
    static let hour = 3600.0

    static func seconds(for action: ActionDeclaration) -> Double {
        let type = action.actionTypeId
        if type.category == "Approval" && type.provider == "Manual" {
            // Manual approvals: timeoutInMinutes, 7 days by default.
            return Double(action.timeoutInMinutes ?? 7 * 24 * 60) * minute
        }
        if type.owner == "Custom" { return 24 * hour }
        switch type.provider {
        case "Lambda": return 24 * hour
        case "S3" where type.category == "Deploy": return 90 * minute
        case "CodeBuild": return 8 * hour
        default: return hour
        }
    }

    static func isManualApproval(_ action: ActionDeclaration) -> Bool {
        action.actionTypeId.category == "Approval" && action.actionTypeId.provider == "Manual"
    }
}
