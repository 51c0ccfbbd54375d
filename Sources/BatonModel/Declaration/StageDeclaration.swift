package struct StageDeclaration: Sendable, Hashable, Codable {
    package var name: String
    package var actions: [ActionDeclaration]
    package var blockers: [BlockerDeclaration]?
    package var beforeEntry: BeforeEntryConditions?
    package var onSuccess: SuccessConditions?
    package var onFailure: FailureConditions?

    package init(name: String, actions: [ActionDeclaration]) {
        self.name = name
        self.actions = actions
    }

    /// The stage's actions grouped by `runOrder`, lowest first: each group runs in parallel, and a
    /// group starts only when the one before it has succeeded.
    package var runOrderGroups: [[ActionDeclaration]] {
        Dictionary(grouping: actions, by: \.effectiveRunOrder)
            .sorted { $0.key < $1.key }
            .map(\.value)
    }
}
