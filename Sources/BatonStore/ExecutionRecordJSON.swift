import BatonJSON
import BatonModel

// The execution record written by hand. Every commit writes each changed execution's whole
// record; through `Codable` that was about 3.3 % of all CPU in the throughput run, mostly
// containers and their generic machinery rather than bytes. The bytes are those of
// `StreamingJSONEncoder` (keys in declaration order), which `ExecutionRecordJSONTests` checks on
// a record with every property set and on random ones, and the record is read back through
// `Codable` as before.

extension PipelineExecution {
    /// The record's JSON; `Codable`'s when a value cannot be written by hand (a NaN time).
    func recordJSON() throws -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        write(to: &writer)
        guard writer.isValid else { return try StreamingJSONEncoder().encode(self) }
        return writer.bytes
    }

    private func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("id", id.rawValue)
        writer.member("pipelineName", pipelineName)
        writer.member("pipelineVersion", pipelineVersion)
        writer.member("status", status.rawValue)
        writer.member("statusSummary", statusSummary)
        writer.key("trigger")
        writer.beginObject()
        writer.member("triggerType", trigger.triggerType)
        writer.member("triggerDetail", trigger.triggerDetail)
        writer.endObject()
        writer.member("startTime", startTime)
        writer.member("lastUpdateTime", lastUpdateTime)
        writer.key("stages")
        writer.beginArray()
        // By index: `for … in` hands out a copy of each element, a retain for every string in it.
        for index in stages.indices { stages[index].write(to: &writer) }
        writer.endArray()
        writer.key("artifacts")
        writer.beginObject()
        for (name, artifact) in artifacts {
            writer.key(name)
            artifact.write(to: &writer)
        }
        writer.endObject()
        writer.key("variables")
        writer.strings(variables)
        writer.member("executionType", executionType)
        writer.member("waitingAt", waitingAt)
        writer.member("waitingOrder", waitingOrder)
        writer.member("stopReason", stopReason)
        writer.member("clientRequestToken", clientRequestToken)
        writer.key("abandonRequested")
        writer.bool(abandonRequested)
        writer.key("cancelOnStop")
        writer.bool(cancelOnStop)
        writer.member("rollbackTarget", rollbackTarget?.rawValue)
        if let sourceRevisions {
            writer.key("sourceRevisions")
            writer.strings(sourceRevisions)
        }
        writer.endObject()
    }
}

extension StageExecution {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("name", name)
        writer.member("status", status?.rawValue)
        writer.key("actions")
        writer.beginArray()
        for index in actions.indices { actions[index].write(to: &writer) }
        writer.endArray()
        writer.member("manualRetryAttempts", manualRetryAttempts)
        writer.member("autoRetryAttempts", autoRetryAttempts)
        if let conditions {
            writer.key("conditions")
            writer.beginObject()
            for (hook, condition) in conditions {
                writer.key(hook)
                writer.beginObject()
                writer.member("status", condition.status)
                writer.member("summary", condition.summary)
                writer.member("lastStatusChange", condition.lastStatusChange)
                writer.endObject()
            }
            writer.endObject()
        }
        if let ruleJobs {
            writer.key("ruleJobs")
            writer.beginObject()
            for (rule, job) in ruleJobs {
                writer.key(rule)
                writer.beginObject()
                writer.member("jobID", job.jobID.rawValue)
                writer.member("outcome", job.outcome)
                writer.member("message", job.message)
                writer.endObject()
            }
            writer.endObject()
        }
        writer.member("conditionWakeAt", conditionWakeAt)
        if let earlierRuns {
            writer.key("earlierRuns")
            writer.beginArray()
            for index in earlierRuns.indices { earlierRuns[index].write(to: &writer) }
            writer.endArray()
        }
        writer.endObject()
    }
}

extension ActionExecution {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("name", name)
        writer.member("actionExecutionId", actionExecutionId?.rawValue)
        writer.member("status", status?.rawValue)
        writer.member("jobID", jobID?.rawValue)
        writer.member("summary", summary)
        if let errorDetails {
            writer.key("errorDetails")
            writer.beginObject()
            writer.member("type", errorDetails.type.rawValue)
            writer.member("message", errorDetails.message)
            writer.member("externalExecutionId", errorDetails.externalExecutionId)
            if let log = errorDetails.log {
                writer.key("log")
                log.write(to: &writer)
            }
            writer.endObject()
        }
        writer.member("externalExecutionId", externalExecutionId)
        writer.key("outputArtifacts")
        writer.beginArray()
        for artifact in outputArtifacts { artifact.write(to: &writer) }
        writer.endArray()
        writer.key("outputVariables")
        writer.strings(outputVariables)
        writer.member("startTime", startTime)
        writer.member("lastUpdateTime", lastUpdateTime)
        writer.member("token", token)
        writer.member("deadline", deadline)
        writer.member("lastUpdatedBy", lastUpdatedBy)
        writer.member("percentComplete", percentComplete)
        if let logArtifact {
            writer.key("logArtifact")
            logArtifact.write(to: &writer)
        }
        writer.endObject()
    }
}

extension ArtifactReference {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("name", name)
        writer.member("digest", digest.hex)
        writer.member("size", size)
        writer.member("revision", revision)
        writer.endObject()
    }
}

extension JSONWriter {
    /// `key: time` for a time that is present, as `Timestamp` encodes itself.
    mutating func member(_ name: StaticString, _ time: Timestamp?) {
        guard let time else { return }
        key(name)
        double(time.encodedSeconds)
    }

    /// An object of strings, keys in the dictionary's own order (as the unsorted encoder).
    mutating func strings(_ values: [String: String]) {
        beginObject()
        for (name, value) in values {
            key(name)
            string(value)
        }
        endObject()
    }
}
