import BatonModel

/// One git source action whose repository starts its pipeline: through a V2 trigger's filters,
/// or by default detection of pushes to its `BranchName` (`DetectChanges` on
/// CodeStarSourceConnection; CodeCommit always, as its EventBridge rule or polling would).
struct SourceWatch: Sendable, Hashable {
    enum Rule: Sendable, Hashable {
        case filters(GitConfiguration)
        case defaultBranch(triggerType: String)
    }

    var pipeline: String
    var action: String
    var url: String
    var branch: String
    var rule: Rule

    /// The watches of `pipelines`' first-stage git sources that resolve to a repository.
    static func watches(of pipelines: [PipelineDeclaration], connections: [SourceConnection]) -> [SourceWatch] {
        var watches: [SourceWatch] = []
        for pipeline in pipelines {
            for action in pipeline.stages.first?.actions ?? [] {
                let configuration = action.configuration ?? [:]
                guard case .success(let repository)? = connections.repository(for: action.actionTypeId, configuration: configuration) else { continue }
                let trigger = pipeline.triggers?.first { $0.gitConfiguration.sourceActionName == action.name }
                let rule: Rule
                if let trigger {
                    rule = .filters(trigger.gitConfiguration)
                } else if action.actionTypeId.provider == "CodeStarSourceConnection" {
                    guard configuration["DetectChanges"]?.lowercased() != "false" else { continue }
                    rule = .defaultBranch(triggerType: "Webhook")
                } else {
                    rule = .defaultBranch(triggerType: configuration["PollForSourceChanges"]?.lowercased() == "true" ? "PollForSourceChanges" : "CloudWatchEvent")
                }
                watches.append(SourceWatch(pipeline: pipeline.name, action: action.name, url: repository.url, branch: repository.branch, rule: rule))
            }
        }
        return watches
    }

    /// The trigger type an event starts this watch's pipeline with, or nil when it does not.
    func triggerType(for event: GitEvent) -> String? {
        switch rule {
        case .filters(let configuration):
            guard configuration.matches(event, defaultBranch: branch) else { return nil }
            return configuration.push == nil && configuration.pullRequest == nil ? "Webhook" : "WebhookV2"
        case .defaultBranch(let triggerType):
            guard case .push(.branch(let pushed)) = event.kind, pushed == branch else { return nil }
            return triggerType
        }
    }
}

/// A ref that moved (or appeared) between two looks at a repository; deletions start nothing.
struct RefChange: Sendable, Hashable {
    var ref: String
    var old: String?
    var commit: String

    /// Moved and new branches and tags, in ref order.
    static func between(_ old: [String: String], _ new: [String: String]) -> [RefChange] {
        new.keys.sorted().compactMap { ref in
            guard let commit = new[ref], old[ref] != commit else { return nil }
            return RefChange(ref: ref, old: old[ref], commit: commit)
        }
    }
}
