import BatonAPI
import BatonModel
import Foundation

/// A push or pull-request webhook from GitHub, GitLab or Bitbucket, read into the changes trigger
/// filters match. Which provider sent it is told by its event header (`X-GitHub-Event`,
/// `X-Gitlab-Event`, `X-Event-Key`).
struct WebhookDelivery: Sendable, Hashable {
    enum Provider: String, Sendable { case gitHub = "GitHub", gitLab = "GitLab", bitbucket = "Bitbucket" }

    struct Change: Sendable, Hashable {
        var kind: GitEvent.Kind
        /// `refs/heads/main`, `refs/tags/v1`, or `pull/12` for a pull request.
        var ref: String
        /// The commit the pipeline builds: the pushed one, or the pull request's source head.
        var commit: String
        /// The commit before a push, or a pull request's destination; changed files are computed
        /// from it when the payload does not list them.
        var base: String?
        var changedPaths: [String]?
        var createsBranch = false
    }

    struct Problem: Error, Sendable, CustomStringConvertible {
        /// 400 for a payload that cannot be read, 401 for a signature that does not match.
        var status: Int
        var description: String
    }

    var provider: Provider
    var repository: String
    var changes: [Change]

    // MARK: Signatures

    /// GitHub and Bitbucket sign the body, `X-Hub-Signature-256` / `X-Hub-Signature`:
    /// `sha256=<hex HMAC-SHA256>`. GitLab sends the secret itself as `X-Gitlab-Token`.
    static func verify(headers: [String: String], body: Data, secret: String) throws(Problem) {
        do {
            try WebhookSignature.check(headers: headers, body: body, secret: secret)
        } catch {
            throw Problem(status: 401, description: error.description)
        }
    }

    // MARK: Payloads

    /// The delivery's changes; nil for an event that starts nothing (a ping, an issue comment).
    static func parse(headers: [String: String], body: Data) throws(Problem) -> WebhookDelivery? {
        guard let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw Problem(status: 400, description: "the body is not a JSON object")
        }
        if let event = headers["x-github-event"] { return try gitHub(event, json) }
        if let event = headers["x-gitlab-event"] { return try gitLab(event, json) }
        if let event = headers["x-event-key"] { return try bitbucket(event, json) }
        throw Problem(status: 400, description: "no X-GitHub-Event, X-Gitlab-Event or X-Event-Key header: not a webhook Baton reads")
    }

    private static func string(_ json: [String: Any], _ path: String) -> String? {
        var value: Any? = json
        for key in path.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
        return value as? String
    }

    private static func require(_ json: [String: Any], _ path: String, _ provider: Provider) throws(Problem) -> String {
        guard let value = string(json, path), !value.isEmpty else { throw Problem(status: 400, description: "the \(provider.rawValue) payload has no \(path)") }
        return value
    }

    /// Files the commits of a push add, modify or remove, when the payload lists them.
    private static func files(of commits: Any?) -> [String]? {
        guard let commits = commits as? [[String: Any]], !commits.isEmpty else { return nil }
        var files: [String] = []
        for commit in commits {
            for key in ["added", "modified", "removed"] {
                for file in commit[key] as? [String] ?? [] where !files.contains(file) { files.append(file) }
            }
        }
        return files
    }

    private static let zeroCommit = String(repeating: "0", count: 40)

    private static func push(ref: String, before: String?, after: String, files: [String]?) -> Change? {
        guard after != zeroCommit else { return nil }  // a deleted branch or tag
        let created = before == nil || before == zeroCommit
        guard let kind = GitEvent.push(to: ref) else { return nil }
        return Change(kind: kind, ref: ref, commit: after, base: created ? nil : before, changedPaths: files, createsBranch: created)
    }

    private static func gitHub(_ event: String, _ json: [String: Any]) throws(Problem) -> WebhookDelivery? {
        let repository = try require(json, "repository.full_name", .gitHub)
        switch event {
        case "push":
            let change = push(
                ref: try require(json, "ref", .gitHub), before: string(json, "before"), after: try require(json, "after", .gitHub),
                files: files(of: json["commits"]))
            return WebhookDelivery(provider: .gitHub, repository: repository, changes: change.map { [$0] } ?? [])
        case "pull_request":
            let action = try require(json, "action", .gitHub)
            let type: String
            switch action {
            case "opened", "reopened": type = "OPEN"
            case "synchronize", "edited": type = "UPDATED"
            case "closed": type = "CLOSED"
            default: return nil
            }
            let number = ((json["pull_request"] as? [String: Any])?["number"]).map { "\($0)" } ?? "?"
            return WebhookDelivery(provider: .gitHub, repository: repository, changes: [Change(
                kind: .pullRequest(event: type, destinationBranch: try require(json, "pull_request.base.ref", .gitHub)),
                ref: "pull/\(number)", commit: try require(json, "pull_request.head.sha", .gitHub), base: string(json, "pull_request.base.sha"))])
        default:
            return nil
        }
    }

    private static func gitLab(_ event: String, _ json: [String: Any]) throws(Problem) -> WebhookDelivery? {
        let repository = try require(json, "project.path_with_namespace", .gitLab)
        switch event {
        case "Push Hook", "Tag Push Hook":
            let change = push(
                ref: try require(json, "ref", .gitLab), before: string(json, "before"), after: try require(json, "after", .gitLab),
                files: files(of: json["commits"]))
            return WebhookDelivery(provider: .gitLab, repository: repository, changes: change.map { [$0] } ?? [])
        case "Merge Request Hook":
            let type: String
            switch string(json, "object_attributes.action") ?? "" {
            case "open", "reopen": type = "OPEN"
            case "update": type = "UPDATED"
            case "close", "merge": type = "CLOSED"
            default: return nil
            }
            let number = ((json["object_attributes"] as? [String: Any])?["iid"]).map { "\($0)" } ?? "?"
            return WebhookDelivery(provider: .gitLab, repository: repository, changes: [Change(
                kind: .pullRequest(event: type, destinationBranch: try require(json, "object_attributes.target_branch", .gitLab)),
                ref: "pull/\(number)", commit: try require(json, "object_attributes.last_commit.id", .gitLab), base: nil)])
        default:
            return nil
        }
    }

    private static func bitbucket(_ event: String, _ json: [String: Any]) throws(Problem) -> WebhookDelivery? {
        let repository = try require(json, "repository.full_name", .bitbucket)
        switch event {
        case "repo:push":
            let changes = ((json["push"] as? [String: Any])?["changes"] as? [[String: Any]]) ?? []
            var result: [Change] = []
            for change in changes {
                guard let new = change["new"] as? [String: Any], let name = new["name"] as? String,
                      let hash = (new["target"] as? [String: Any])?["hash"] as? String else { continue }
                let ref = (new["type"] as? String) == "tag" ? "refs/tags/\(name)" : "refs/heads/\(name)"
                let old = ((change["old"] as? [String: Any])?["target"] as? [String: Any])?["hash"] as? String
                if let parsed = push(ref: ref, before: old, after: hash, files: nil) { result.append(parsed) }
            }
            return WebhookDelivery(provider: .bitbucket, repository: repository, changes: result)
        case "pullrequest:created", "pullrequest:updated", "pullrequest:fulfilled", "pullrequest:rejected":
            let type = switch event {
            case "pullrequest:created": "OPEN"
            case "pullrequest:updated": "UPDATED"
            default: "CLOSED"
            }
            let number = ((json["pullrequest"] as? [String: Any])?["id"]).map { "\($0)" } ?? "?"
            return WebhookDelivery(provider: .bitbucket, repository: repository, changes: [Change(
                kind: .pullRequest(event: type, destinationBranch: try require(json, "pullrequest.destination.branch.name", .bitbucket)),
                ref: "pull/\(number)", commit: try require(json, "pullrequest.source.commit.hash", .bitbucket),
                base: string(json, "pullrequest.destination.commit.hash"))])
        default:
            return nil
        }
    }
}
