import BatonAPI
import BatonModel
import BatonEngine
import BatonIdentifiers
import BatonStore
import Foundation
import Hummingbird

extension CodePipelineAPI {
    /// `POST /baton/artifacts/gc` with a `CollectArtifactsInput` body (empty: the defaults).
    func collectArtifacts(_ request: Request, context: some RequestContext) async -> Response {
        let requestID = identifiers.uuid()
        do {
            let body = try await request.body.collect(upTo: 64 * 1024)
            let data = Data(body.readableBytesView)
            let input = data.isEmpty ? CollectArtifactsInput() : try Self.decodeInput(CollectArtifactsInput.self, from: data)
            var retention = ArtifactRetention()
            if let keep = input.keepExecutions {
                guard keep >= 1 else { throw APIError(type: "ValidationException", message: "keepExecutions must be at least 1, not \(keep)") }
                retention.executions = keep
            }
            if let days = input.keepDays {
                guard days >= 0 else { throw APIError(type: "ValidationException", message: "keepDays must not be negative, not \(days)") }
                retention.days = days
            }
            if let age = input.minimumAgeSeconds {
                guard age >= 0 else { throw APIError(type: "ValidationException", message: "minimumAgeSeconds must not be negative, not \(age)") }
                retention.grace = age
            }
            let plan = try await engine.collectArtifacts(retention, dryRun: input.dryRun ?? false)
            return Self.json(CollectArtifactsOutput(
                deleted: plan.delete.map(\.digest.hex), deletedBytes: plan.deletedBytes, kept: plan.keep.count, dryRun: input.dryRun ?? false), requestID: requestID)
        } catch {
            return Self.error(APIError(error), requestID: requestID)
        }
    }
}
