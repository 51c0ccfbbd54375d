/// `POST /baton/artifacts/gc`: Baton's own operation (CodePipeline has no artifact store to
/// collect). Deletes artifacts outside the retention policy; `dryRun` only reports.
package struct CollectArtifactsInput: Sendable, Codable {
    package var keepExecutions: Int?
    package var keepDays: Double?
    package var dryRun: Bool?
    /// Objects younger than this are kept whatever refers to them (default 3600 s): an upload
    /// whose SUCCESS is still on its way is referenced by nothing yet.
    package var minimumAgeSeconds: Double?

    package init(keepExecutions: Int? = nil, keepDays: Double? = nil, dryRun: Bool? = nil, minimumAgeSeconds: Double? = nil) {
        self.keepExecutions = keepExecutions
        self.keepDays = keepDays
        self.dryRun = dryRun
        self.minimumAgeSeconds = minimumAgeSeconds
    }

    package static let path = "/baton/artifacts/gc"
}

package struct CollectArtifactsOutput: Sendable, Codable {
    package var deleted: [String]
    package var deletedBytes: Int64
    package var kept: Int
    package var dryRun: Bool

    package init(deleted: [String], deletedBytes: Int64, kept: Int, dryRun: Bool) {
        self.deleted = deleted
        self.deletedBytes = deletedBytes
        self.kept = kept
        self.dryRun = dryRun
    }
}
