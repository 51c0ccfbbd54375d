import BatonJSON
import BatonModel

// SUCCESS and RESULT_ACK written and read by hand, as JOB is (see JobOfferJSON.swift): with JOB
// they are the three messages of every action. Same bytes as the sorted encoder; a reader that
// gives up on anything the `Codable` decoder would not take the same way.

extension JobSucceeded {
    func sortedJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.member("continuationToken", continuationToken)
        writer.member("jobId", jobId.rawValue)
        writer.member("nonce", nonce)
        writer.key("outputs")
        writer.beginObject()
        writer.key("artifacts")
        writer.beginArray()
        for artifact in outputs.artifacts { artifact.writeSorted(to: &writer) }
        writer.endArray()
        writer.member("externalExecutionId", outputs.externalExecutionId)
        if let log = outputs.log {
            writer.key("log")
            log.writeSorted(to: &writer)
        }
        writer.member("summary", outputs.summary)
        writer.key("variables")
        writer.sortedStrings(outputs.variables)
        writer.endObject()
        if let poll {
            writer.key("poll")
            writer.beginObject()
            writer.member("freeSlots", poll.freeSlots)
            writer.member("lastJobSeq", poll.lastJobSeq)
            writer.endObject()
        }
        writer.member("resultId", resultId)
        writer.endObject()
        return writer.bytes
    }

    init?(reading reader: JSONReader) {
        var ids = ResultIDs()
        var outputs: ActionOutputs?, token: String??, poll: Poll??
        let complete = reader.forEachMember(of: reader.root) { key, value in
            if let read = ids.read(key, value, in: reader) {
                return read
            } else if reader.key(key, is: "outputs") {
                if outputs == nil { outputs = ActionOutputs(reading: reader, at: value); return outputs != nil }
            } else if reader.key(key, is: "continuationToken") {
                return reader.optional(value, into: &token) { reader.string($0) }
            } else if reader.key(key, is: "poll") {
                return reader.optional(value, into: &poll) { object in
                    guard let free = reader.member("freeSlots", of: object, { reader.integer($0) as Int? }),
                          let last = reader.member("lastJobSeq", of: object, { reader.integer($0) as Int? })
                    else { return nil }
                    return Poll(freeSlots: free, lastJobSeq: last)
                }
            }
            return true
        }
        guard complete, let jobId = ids.jobId, let nonce = ids.nonce, let resultId = ids.resultId, let outputs else { return nil }
        self.init(jobId: JobID(rawValue: jobId), nonce: nonce, resultId: resultId, outputs: outputs, continuationToken: token ?? nil, poll: poll ?? nil)
    }
}

extension ResultAck {
    func sortedJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 160)
        writer.beginObject()
        writer.member("jobId", jobId.rawValue)
        if let missing {
            writer.key("missing")
            writer.strings(missing)
        }
        writer.member("nonce", nonce)
        writer.member("outcome", outcome.rawValue)
        writer.member("resultId", resultId)
        writer.endObject()
        return writer.bytes
    }

    init?(reading reader: JSONReader) {
        var ids = ResultIDs()
        var outcome: Outcome?, missing: [String]??
        let complete = reader.forEachMember(of: reader.root) { key, value in
            if let read = ids.read(key, value, in: reader) {
                return read
            } else if reader.key(key, is: "outcome") {
                if outcome == nil { outcome = reader.string(value).flatMap(Outcome.init(rawValue:)); return outcome != nil }
            } else if reader.key(key, is: "missing") {
                return reader.optional(value, into: &missing) { reader.strings($0) }
            }
            return true
        }
        guard complete, let jobId = ids.jobId, let nonce = ids.nonce, let resultId = ids.resultId, let outcome else { return nil }
        self.init(jobId: JobID(rawValue: jobId), nonce: nonce, resultId: resultId, outcome: outcome, missing: missing ?? nil)
    }
}

/// The job, nonce and result id that SUCCESS and RESULT_ACK both carry, read as their members come.
private struct ResultIDs {
    var jobId: String?
    var nonce: String?
    var resultId: String?

    /// Nil when `key` is none of the three; otherwise whether its value reads (a repeat is skipped).
    mutating func read(_ key: Int, _ value: Int, in reader: JSONReader) -> Bool? {
        if reader.key(key, is: "jobId") {
            if jobId == nil { jobId = reader.string(value); return jobId != nil }
        } else if reader.key(key, is: "nonce") {
            if nonce == nil { nonce = reader.string(value); return nonce != nil }
        } else if reader.key(key, is: "resultId") {
            if resultId == nil { resultId = reader.string(value); return resultId != nil }
        } else {
            return nil
        }
        return true
    }
}

extension ActionOutputs {
    init?(reading reader: JSONReader, at object: Int) {
        var artifacts: [ArtifactReference]?, variables: [String: String]?, summary: String??, external: String??, log: ArtifactReference??
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "artifacts") {
                if artifacts == nil { artifacts = reader.array(value) { ArtifactReference(reading: reader, at: $0) }; return artifacts != nil }
            } else if reader.key(key, is: "variables") {
                if variables == nil { variables = reader.stringMap(value); return variables != nil }
            } else if reader.key(key, is: "summary") {
                return reader.optional(value, into: &summary) { reader.string($0) }
            } else if reader.key(key, is: "externalExecutionId") {
                return reader.optional(value, into: &external) { reader.string($0) }
            } else if reader.key(key, is: "log") {
                return reader.optional(value, into: &log) { ArtifactReference(reading: reader, at: $0) }
            }
            return true
        }
        guard complete, let artifacts, let variables else { return nil }
        self.init(artifacts: artifacts, variables: variables, summary: summary ?? nil, externalExecutionId: external ?? nil, log: log ?? nil)
    }
}
