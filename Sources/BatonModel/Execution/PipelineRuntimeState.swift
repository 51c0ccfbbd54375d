

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
    package var nextArrival: Int64 = 1

    package init() {}

    package func isInboundEnabled(_ stage: String) -> Bool { inbound[stage]?.enabled ?? true }
    package func isOutboundEnabled(_ stage: String) -> Bool { outbound[stage]?.enabled ?? true }
}
