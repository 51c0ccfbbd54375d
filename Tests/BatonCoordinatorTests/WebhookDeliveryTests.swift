import BatonModel
import Crypto
import Foundation
import Testing
@testable import BatonCoordinator

@Suite struct WebhookDeliveryTests {
    static func signature(_ body: Data, _ secret: String) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    let gitHubPush = Data("""
        {"ref": "refs/heads/main", "before": "1111111111111111111111111111111111111111", "after": "2222222222222222222222222222222222222222",
         "repository": {"full_name": "shop/app"},
         "commits": [{"added": ["services/api/new.py"], "modified": ["README.md"], "removed": []}, {"added": [], "modified": ["README.md"], "removed": ["old.txt"]}]}
        """.utf8)

    @Test func aSignedGitHubPushIsReadWithItsChangedFiles() throws {
        let headers = ["x-github-event": "push", "x-hub-signature-256": Self.signature(gitHubPush, "s3cret")]
        try WebhookDelivery.verify(headers: headers, body: gitHubPush, secret: "s3cret")
        let delivery = try #require(try WebhookDelivery.parse(headers: headers, body: gitHubPush))
        #expect(delivery.provider == .gitHub && delivery.repository == "shop/app")
        #expect(delivery.changes == [WebhookDelivery.Change(
            kind: .push(.branch("main")), ref: "refs/heads/main", commit: "2222222222222222222222222222222222222222",
            base: "1111111111111111111111111111111111111111", changedPaths: ["services/api/new.py", "README.md", "old.txt"])])
    }

    @Test func aWrongOrMissingSignatureIsRefusedWith401() {
        for headers in [["x-hub-signature-256": Self.signature(gitHubPush, "other")], [:], ["x-gitlab-token": "nope"], ["x-hub-signature": "sha1=abc"]] {
            #expect {
                try WebhookDelivery.verify(headers: headers, body: gitHubPush, secret: "s3cret")
            } throws: { error in
                (error as? WebhookDelivery.Problem)?.status == 401
            }
        }
    }

    @Test func gitLabMergeRequestsAndBitbucketPushesAndTagsAreRead() throws {
        let mergeRequest = Data("""
            {"project": {"path_with_namespace": "shop/app"}, "object_attributes": {"iid": 7, "action": "update",
             "target_branch": "main", "source_branch": "feature/x", "last_commit": {"id": "3333333333333333333333333333333333333333"}}}
            """.utf8)
        let gitLab = try #require(try WebhookDelivery.parse(headers: ["x-gitlab-event": "Merge Request Hook"], body: mergeRequest))
        #expect(gitLab.changes.map(\.kind) == [.pullRequest(event: "UPDATED", destinationBranch: "main")])
        #expect(gitLab.changes.first?.ref == "pull/7" && gitLab.changes.first?.commit == "3333333333333333333333333333333333333333")

        let push = Data("""
            {"repository": {"full_name": "shop/app"}, "push": {"changes": [
              {"new": {"type": "tag", "name": "v1.2", "target": {"hash": "4444444444444444444444444444444444444444"}}, "old": null},
              {"new": {"type": "branch", "name": "dev", "target": {"hash": "5555555555555555555555555555555555555555"}},
               "old": {"type": "branch", "name": "dev", "target": {"hash": "6666666666666666666666666666666666666666"}}},
              {"new": null, "old": {"type": "branch", "name": "gone", "target": {"hash": "7777777777777777777777777777777777777777"}}}]}}
            """.utf8)
        let bitbucket = try #require(try WebhookDelivery.parse(headers: ["x-event-key": "repo:push"], body: push))
        #expect(bitbucket.changes.map(\.kind) == [.push(.tag("v1.2")), .push(.branch("dev"))])
        #expect(bitbucket.changes[1].base == "6666666666666666666666666666666666666666" && bitbucket.changes[1].changedPaths == nil)
        #expect(bitbucket.changes[0].createsBranch)
    }

    @Test func eventsThatStartNothingAreIgnoredAndGarbageIsA400() throws {
        #expect(try WebhookDelivery.parse(headers: ["x-github-event": "ping"], body: Data(#"{"repository": {"full_name": "a/b"}}"#.utf8)) == nil)
        for (headers, body) in [(["x-github-event": "push"], "not json"), ([:], "{}"), (["x-github-event": "push"], #"{"repository": {"full_name": "a/b"}}"#)] {
            #expect {
                _ = try WebhookDelivery.parse(headers: headers, body: Data(body.utf8))
            } throws: { error in
                (error as? WebhookDelivery.Problem)?.status == 400
            }
        }
    }

    @Test func watchesFollowTriggersAndDetectionSettings() {
        let arn = "arn:aws:codeconnections:local:000000000000:connection/local"
        let source = { (name: String, detect: String?) in
            ActionDeclaration(
                name: name, actionTypeId: ActionTypeID(category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1"),
                configuration: ["ConnectionArn": arn, "FullRepositoryId": "shop/app", "BranchName": "main"].merging(detect.map { ["DetectChanges": $0] } ?? [:]) { $1 },
                outputArtifacts: [OutputArtifact(name: "Out\(name)")])
        }
        var pipeline = PipelineDeclaration(name: "p", stages: [StageDeclaration(name: "Source", actions: [source("A", nil), source("B", "false"), source("C", nil)])])
        pipeline.triggers = [TriggerDeclaration(gitConfiguration: GitConfiguration(sourceActionName: "C", push: [GitPushFilter(tags: GitPatternFilter(includes: ["v*"]))]))]
        let connections = [SourceConnection(name: "local", providerType: "GitHub", url: "/git", created: Timestamp(secondsSince1970: 0))]
        let watches = SourceWatch.watches(of: [pipeline], connections: connections)
        #expect(watches.map(\.action) == ["A", "C"])
        let mainPush = GitEvent(kind: .push(.branch("main")))
        let tag = GitEvent(kind: .push(.tag("v2")))
        #expect(watches[0].triggerType(for: mainPush) == "Webhook" && watches[0].triggerType(for: tag) == nil)
        #expect(watches[1].triggerType(for: mainPush) == nil && watches[1].triggerType(for: tag) == "WebhookV2")
        #expect(watches[0].url == "/git/shop/app")
    }
}
