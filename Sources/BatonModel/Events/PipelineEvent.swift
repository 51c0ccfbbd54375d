import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A state change of a pipeline execution, a stage execution or an action execution, in the shape
/// of CodePipeline's EventBridge events, plus the coordinator's sequence number.
package struct PipelineEvent: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        case pipeline = "CodePipeline Pipeline Execution State Change"
        case stage = "CodePipeline Stage Execution State Change"
        case action = "CodePipeline Action Execution State Change"

        /// The word in a PUB topic and an SSE `event:` line.
        package var shortName: String {
            switch self {
            case .pipeline: "pipeline"
            case .stage: "stage"
            case .action: "action"
            }
        }
    }

    package struct ActionType: Sendable, Hashable, Codable {
        package var owner: String
        package var category: String
        package var provider: String
        package var version: String
    }

    package struct ExecutionResult: Sendable, Hashable, Codable {
        package var externalExecutionSummary: String?
        package var externalExecutionId: String?
        package var errorCode: String?

        enum CodingKeys: String, CodingKey {
            case externalExecutionSummary = "external-execution-summary"
            case externalExecutionId = "external-execution-id"
            case errorCode = "error-code"
        }
    }

    package struct Trigger: Sendable, Hashable, Codable {
        package var triggerType: String
        package var triggerDetail: String?

        enum CodingKeys: String, CodingKey {
            case triggerType = "trigger-type"
            case triggerDetail = "trigger-detail"
        }
    }

    package struct Detail: Sendable, Hashable, Codable {
        package var pipeline: String
        package var executionId: String
        package var state: String
        package var version: Int
        package var stage: String?
        package var action: String?
        package var actionExecutionId: String?
        package var type: ActionType?
        package var executionTrigger: Trigger?
        package var executionResult: ExecutionResult?

        enum CodingKeys: String, CodingKey {
            case pipeline, state, version, stage, action, type
            case executionId = "execution-id"
            case actionExecutionId = "action-execution-id"
            case executionTrigger = "execution-trigger"
            case executionResult = "execution-result"
        }
    }

    /// Baton: position in the coordinator's event stream, from 1, gapless while it runs.
    package var sequence: Int64
    package var version = "0"
    package var id: String
    package var kind: Kind
    package var source = "aws.codepipeline"
    package var account: String
    package var time: String
    package var region: String
    package var resources: [String]
    package var detail: Detail

    enum CodingKeys: String, CodingKey {
        case sequence, version, id, source, account, time, region, resources, detail
        case kind = "detail-type"
    }

    package init(sequence: Int64, id: String, kind: Kind, time: Timestamp, account: String, region: String, detail: Detail) {
        self.init(
            sequence: sequence, id: id, kind: kind, time: Self.iso8601(time), account: account, region: region,
            resources: [Self.arn(of: detail.pipeline, account: account, region: region)], detail: detail)
    }

    /// With the time already as text and the resources already named: a step's events share both
    /// (events are on the hot path).
    package init(sequence: Int64, id: String, kind: Kind, time: String, account: String, region: String, resources: [String], detail: Detail) {
        self.sequence = sequence
        self.id = id
        self.kind = kind
        self.time = time
        self.account = account
        self.region = region
        self.resources = resources
        self.detail = detail
    }

    package static func arn(of pipeline: String, account: String, region: String) -> String {
        "arn:aws:codepipeline:\(region):\(account):\(pipeline)"
    }

    /// `2026-11-27T22:15:02Z`, without a formatter object per event (events are on the hot path).
    package static func iso8601(_ time: Timestamp) -> String {
        var seconds = time_t(time.secondsSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

/// Where the event stream stands: every unfinished execution's current state as events, each
/// numbered with the stream's last sequence number. A subscriber applies live events numbered
/// after `sequence` on top of it.
package struct EventSnapshot: Sendable, Hashable, Codable {
    package var sequence: Int64
    package var events: [PipelineEvent]

    package init(sequence: Int64, events: [PipelineEvent]) {
        self.sequence = sequence
        self.events = events
    }
}
