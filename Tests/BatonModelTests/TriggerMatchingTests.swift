import Testing
@testable import BatonModel

@Suite struct TriggerMatchingTests {
    static func monorepoTrigger() throws -> GitConfiguration {
        try #require(try Fixtures.declaration("valid/monorepo-api.json").triggers?.first?.gitConfiguration)
    }

    static func push(_ branch: String, _ paths: [String], createsBranch: Bool = false) -> GitEvent {
        GitEvent(kind: .push(.branch(branch)), changedPaths: paths, createsBranch: createsBranch)
    }

    @Test func aPushTouchingOnlyDocsStartsNothingWhileAServiceChangeStarts() throws {
        let trigger = try Self.monorepoTrigger()
        #expect(!trigger.matches(Self.push("main", ["docs/guide.md", "docs/api/index.md"]), defaultBranch: "main"))
        #expect(trigger.matches(Self.push("main", ["services/api/main.go"]), defaultBranch: "main"))
        // Excludes win over includes: a Markdown file inside the service does not count.
        #expect(!trigger.matches(Self.push("main", ["services/api/README.md"]), defaultBranch: "main"))
        // One qualifying file among many is enough.
        #expect(trigger.matches(Self.push("main", ["docs/x.md", "libs/shared/util.go"]), defaultBranch: "main"))
    }

    @Test func branchesAndFilePathsAreANDedWithinAFilter() throws {
        let trigger = try Self.monorepoTrigger()
        #expect(!trigger.matches(Self.push("feature/x", ["services/api/main.go"]), defaultBranch: "main"))
        #expect(trigger.matches(Self.push("release/2024/q1", ["services/api/main.go"]), defaultBranch: "main"))
    }

    @Test func filtersAreORedAcrossPushAndTags() throws {
        let trigger = try Self.monorepoTrigger()
        #expect(trigger.matches(GitEvent(kind: .push(.tag("api-v1.2"))), defaultBranch: "main"))
        #expect(!trigger.matches(GitEvent(kind: .push(.tag("api-v1.2-rc1"))), defaultBranch: "main"))
        #expect(!trigger.matches(GitEvent(kind: .push(.tag("web-v1"))), defaultBranch: "main"))
    }

    @Test func pullRequestsMatchOnEventTargetBranchAndPaths() throws {
        let trigger = try Self.monorepoTrigger()
        let opened = GitEvent(kind: .pullRequest(event: "OPEN", destinationBranch: "main"), changedPaths: ["services/api/x.go"])
        #expect(trigger.matches(opened, defaultBranch: "main"))
        let closed = GitEvent(kind: .pullRequest(event: "CLOSED", destinationBranch: "main"), changedPaths: ["services/api/x.go"])
        #expect(!trigger.matches(closed, defaultBranch: "main"))
        let elsewhere = GitEvent(kind: .pullRequest(event: "UPDATED", destinationBranch: "develop"), changedPaths: ["services/api/x.go"])
        #expect(!trigger.matches(elsewhere, defaultBranch: "main"))
    }

    @Test func aPushThatCreatesABranchDoesNotStartAFilePathFilter() throws {
        let trigger = try Self.monorepoTrigger()
        #expect(!trigger.matches(Self.push("main", ["services/api/main.go"], createsBranch: true), defaultBranch: "main"))
    }

    @Test func onlyTheFirstHundredChangedFilesAreLookedAt() throws {
        let trigger = try Self.monorepoTrigger()
        let paths = (0..<100).map { "docs/page\($0).md" } + ["services/api/main.go"]
        #expect(!trigger.matches(Self.push("main", paths), defaultBranch: "main"))
        #expect(trigger.matches(Self.push("main", Array(paths.suffix(100))), defaultBranch: "main"))
    }

    @Test func withoutFiltersAPushToTheDefaultBranchStarts() {
        let trigger = GitConfiguration(sourceActionName: "Source")
        #expect(trigger.matches(Self.push("main", []), defaultBranch: "main"))
        #expect(!trigger.matches(Self.push("dev", []), defaultBranch: "main"))
        #expect(!trigger.matches(GitEvent(kind: .push(.tag("v1"))), defaultBranch: "main"))
    }

    @Test func excludesAloneAdmitEverythingElse() {
        let filter = GitPatternFilter(excludes: ["wip/*"])
        #expect(filter.admits("main"))
        #expect(!filter.admits("wip/x"))
        // The same pattern in both lists excludes.
        #expect(!GitPatternFilter(includes: ["main"], excludes: ["main"]).admits("main"))
    }
}
