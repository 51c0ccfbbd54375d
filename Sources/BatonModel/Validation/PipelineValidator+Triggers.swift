extension PipelineValidator {
    mutating func checkTriggers() {
        guard let triggers = declaration.triggers else { return }
        let root = DeclarationPath.pipeline.appending("triggers")
        checkCount(triggers, at: root, 0...50)
        let firstStage = declaration.stages.first?.actions ?? []
        var claimed: Set<String> = []
        for (index, trigger) in triggers.enumerated() {
            let path = DeclarationPath.pipeline.member("triggers", index)
            checkEnum(trigger.providerType, at: path.appending("providerType"), ["CodeStarSourceConnection"])
            let git = trigger.gitConfiguration
            let gitPath = path.appending("gitConfiguration")
            checkName(git.sourceActionName, at: gitPath.appending("sourceActionName"))
            if let source = firstStage.first(where: { $0.name == git.sourceActionName }) {
                if source.actionTypeId.provider != "CodeStarSourceConnection" {
                    fail(.invalidStructure, gitPath.appending("sourceActionName"),
                         "Trigger source action \(source.name) is a \(source.actionTypeId.provider) action; triggers apply only to CodeStarSourceConnection source actions")
                }
            } else {
                fail(.invalidStructure, gitPath.appending("sourceActionName"),
                     "Trigger names source action \(git.sourceActionName), which is not a source action of this pipeline")
            }
            if !claimed.insert(git.sourceActionName).inserted {
                fail(.invalidStructure, gitPath.appending("sourceActionName"),
                     "Source action \(git.sourceActionName) has more than one trigger; a source action may have only one")
            }
            checkCount(git.push, at: gitPath.appending("push"), 1...3)
            checkCount(git.pullRequest, at: gitPath.appending("pullRequest"), 1...3)
            for (filterIndex, filter) in (git.push ?? []).enumerated() {
                let at = gitPath.member("push", filterIndex)
                checkPatterns(filter.tags, at: at.appending("tags"))
                checkPatterns(filter.branches, at: at.appending("branches"))
                checkPatterns(filter.filePaths, at: at.appending("filePaths"))
                if filter.tags == nil && filter.branches == nil {
                    fail(.invalidStructure, at, "A push filter needs tags or branches; file paths alone are not a valid filter")
                } else if filter.tags != nil && filter.filePaths != nil {
                    fail(.invalidStructure, at, "A push filter on tags cannot also filter file paths; use tags, branches, or branches with file paths")
                }
            }
            for (filterIndex, filter) in (git.pullRequest ?? []).enumerated() {
                let at = gitPath.member("pullRequest", filterIndex)
                if let events = filter.events {
                    checkCount(events, at: at.appending("events"), 1...3)
                    for (eventIndex, event) in events.enumerated() {
                        checkEnum(event, at: at.member("events", eventIndex), ["OPEN", "UPDATED", "CLOSED"])
                    }
                }
                checkPatterns(filter.branches, at: at.appending("branches"))
                checkPatterns(filter.filePaths, at: at.appending("filePaths"))
                if filter.branches == nil {
                    fail(.invalidStructure, at, "A pull request filter needs branches (the branches pull requests target)")
                }
            }
        }
    }

    private mutating func checkPatterns(_ filter: GitPatternFilter?, at path: DeclarationPath) {
        guard let filter else { return }
        for (name, list) in [("includes", filter.includes), ("excludes", filter.excludes)] {
            guard let list else { continue }
            checkCount(list, at: path.appending(name), 1...8)
            for (index, pattern) in list.enumerated() { checkLength(pattern, at: path.member(name, index), 1...255) }
        }
        if filter.includes == nil && filter.excludes == nil {
            fail(.invalidStructure, path, "A filter at \(path) needs includes or excludes")
        }
    }
}
