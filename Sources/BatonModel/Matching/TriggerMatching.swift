// Trigger filter semantics (semantics §4.2): filters in `push` and `pullRequest` are ORed; the
// fields of one filter are ANDed; within a field a value must match an include (when includes
// are given) and no exclude — excludes win.

extension GitConfiguration {
    /// Whether `event` starts the pipeline. With no filters at all, a push to `defaultBranch`
    /// (the source action's `BranchName`) does.
    package func matches(_ event: GitEvent, defaultBranch: String?) -> Bool {
        if push == nil && pullRequest == nil {
            guard case .push(.branch(let branch)) = event.kind else { return false }
            return branch == defaultBranch
        }
        switch event.kind {
        case .push(let reference):
            return (push ?? []).contains { $0.matches(reference, event: event) }
        case .pullRequest(let type, let destination):
            return (pullRequest ?? []).contains { $0.matches(type, destination: destination, event: event) }
        }
    }
}

extension GitPushFilter {
    func matches(_ reference: GitEvent.GitReference, event: GitEvent) -> Bool {
        switch reference {
        case .tag(let tag):
            guard let tags, branches == nil else { return false }
            return tags.admits(tag)
        case .branch(let branch):
            guard tags == nil, let branches, branches.admits(branch) else { return false }
            guard let filePaths else { return true }
            return !event.createsBranch && filePaths.admitsAny(of: event.changedPaths)
        }
    }
}

extension GitPullRequestFilter {
    func matches(_ type: String, destination: String, event: GitEvent) -> Bool {
        if let events, !events.contains(type) { return false }
        guard let branches, branches.admits(destination) else { return false }
        guard let filePaths else { return true }
        return filePaths.admitsAny(of: event.changedPaths)
    }
}

extension GitPatternFilter {
    /// Matches an include (any, when includes are given) and no exclude.
    package func admits(_ value: String) -> Bool {
        if (excludes ?? []).contains(where: { GlobPattern($0).matches(value) }) { return false }
        guard let includes else { return true }
        return includes.contains { GlobPattern($0).matches(value) }
    }

    /// Some file among the first 100 changed passes the filter.
    package func admitsAny(of paths: [String]) -> Bool {
        paths.prefix(GitEvent.changedPathLimit).contains(where: admits)
    }
}
