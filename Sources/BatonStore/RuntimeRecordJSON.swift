import BatonJSON
import BatonModel

// A pipeline's runtime state written by hand, like the execution record: a group commit writes
// it for every pipeline whose executions entered or left a stage, and through `Codable` its
// encoder's generic machinery cost about 1 % of all CPU in the throughput run. The bytes are
// those of `StreamingJSONEncoder` (`RuntimeRecordJSONTests` holds it to that), and the record is
// read back through `Codable` as before.

extension PipelineRuntimeState {
    /// The record's JSON; `Codable`'s when a value cannot be written by hand (a NaN time).
    func recordJSON() throws -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("inbound")
        writer.transitions(inbound)
        writer.key("outbound")
        writer.transitions(outbound)
        writer.key("lastEntered")
        writer.strings(lastEntered.mapValues(\.rawValue))
        writer.key("lastSucceeded")
        writer.strings(lastSucceeded.mapValues(\.rawValue))
        writer.key("nextArrival")
        writer.integer(nextArrival)
        writer.endObject()
        guard writer.isValid else { return try StreamingJSONEncoder().encode(self) }
        return writer.bytes
    }
}

extension JSONWriter {
    /// Transitions by stage, in the dictionary's own order (as the unsorted encoder).
    fileprivate mutating func transitions(_ values: [String: PipelineRuntimeState.Transition]) {
        beginObject()
        for (stage, transition) in values {
            key(stage)
            beginObject()
            key("enabled")
            bool(transition.enabled)
            member("disabledReason", transition.disabledReason)
            member("lastChangedAt", transition.lastChangedAt)
            member("lastChangedBy", transition.lastChangedBy)
            endObject()
        }
        endObject()
    }
}
