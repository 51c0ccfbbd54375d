

/// The pipeline-level state that outlives any one execution: stage transitions, which execution
/// entered each stage last, and the arrival counter that orders inbound executions. Persisted
/// with every step that changes it.
package struct PipelineRuntimeState: Sendable, Hashable, Codable {
    package struct Transition: Sendable, Hashable, Codable {
        package var enabled = true
        package var disabledReason: String?
        package var lastChangedAt: Timestamp?
        package var lastChangedBy: String?

        package init(enabled: Bool = true, disabledReason: String? = nil, lastChangedAt: Timestamp? = nil, lastChangedBy: String? = nil) {
            self.enabled = enabled
            self.disabledReason = disabledReason
            self.lastChangedAt = lastChangedAt
            self.lastChangedBy = lastChangedBy
        }
    }

    /// Inbound transition of each stage, by stage name (absent = enabled).
    package var inbound: [String: Transition] = [:]
    /// Outbound transition of each stage, by stage name (absent = enabled).
    package var outbound: [String: Transition] = [:]
    /// The execution that most recently entered each stage.
    package var lastEntered: [String: ExecutionID] = [:]
    /// The standard execution that most recently succeeded in each stage (rollback targets).
    package var lastSucceeded: [String: ExecutionID] = [:]
    package var nextArrival: Int64 = 1

    package init() {}

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inbound = try container.decodeIfPresent([String: Transition].self, forKey: .inbound) ?? [:]
        outbound = try container.decodeIfPresent([String: Transition].self, forKey: .outbound) ?? [:]
        lastEntered = try container.decodeIfPresent([String: ExecutionID].self, forKey: .lastEntered) ?? [:]
        lastSucceeded = try container.decodeIfPresent([String: ExecutionID].self, forKey: .lastSucceeded) ?? [:]
        nextArrival = try container.decodeIfPresent(Int64.self, forKey: .nextArrival) ?? 1
    }

    package func isInboundEnabled(_ stage: String) -> Bool { inbound[stage]?.enabled ?? true }
    package func isOutboundEnabled(_ stage: String) -> Bool { outbound[stage]?.enabled ?? true }
}
