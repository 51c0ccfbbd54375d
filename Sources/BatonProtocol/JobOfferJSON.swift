import BatonJSON
import BatonModel

// JOB's header written and read by hand. JOB is the largest message on the hot path and both
// ends handle one per action: through `Codable` its header cost the coordinator about 1.7 % and a
// worker about 2 % of all CPU in the throughput benchmark, mostly containers and their generic
// machinery rather than bytes. The writer gives exactly the bytes of the sorted-keys encoder (the
// golden fixture and `JobOfferJSONTests` hold it to that); the reader takes what the `Codable`
// decoder takes, and gives up (nil) on anything else, which `WireCodec` then hands to that
// decoder for its precise error.

extension JobOffer {
    /// The header, keys sorted at every level.
    func sortedJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("attempt")
        writer.integer(attempt)
        writer.key("data")
        data.write(to: &writer)
        writer.key("jobId")
        writer.string(jobId.rawValue)
        writer.key("jobSeq")
        writer.integer(jobSeq)
        writer.key("nonce")
        writer.string(nonce)
        writer.endObject()
        return writer.bytes
    }

    init?(reading reader: JSONReader) {
        var attempt: Int?, data: JobData?, jobId: String?, jobSeq: Int?, nonce: String?
        let complete = reader.forEachMember(of: reader.root) { key, value in
            if reader.key(key, is: "attempt") {
                if attempt == nil { attempt = reader.integer(value); return attempt != nil }
            } else if reader.key(key, is: "data") {
                if data == nil { data = JobData(reading: reader, at: value); return data != nil }
            } else if reader.key(key, is: "jobId") {
                if jobId == nil { jobId = reader.string(value); return jobId != nil }
            } else if reader.key(key, is: "jobSeq") {
                if jobSeq == nil { jobSeq = reader.integer(value); return jobSeq != nil }
            } else if reader.key(key, is: "nonce") {
                if nonce == nil { nonce = reader.string(value); return nonce != nil }
            }
            return true
        }
        guard complete, let attempt, let data, let jobId, let jobSeq, let nonce else { return nil }
        self.init(jobSeq: jobSeq, jobId: JobID(rawValue: jobId), nonce: nonce, attempt: attempt, data: data)
    }
}
