import BatonJSON
import Foundation

/// Turns messages into frames and back.
///
/// A message is 3 or 4 frames: `"JWP1"`, one command byte, a UTF-8 JSON header (≤ 64 KiB), and —
/// for LOG, CHUNK and PUT_CHUNK only — a payload of raw bytes. The payload never passes through
/// this codec: callers keep it as the transport's frame, so bulk bytes are not copied. A BATCH
/// carries up to `ProtocolVersion.maxBatch` control messages without payload in one: `"JWP1"`,
/// the BATCH byte, then a command frame and a header frame for each.
package enum WireCodec {
    /// The three leading frames of a message: signature, command and header.
    package struct Envelope: Sendable, Equatable {
        package var command: Command
        package var header: [UInt8]
    }

    /// What a message's frames hold: one message, or a BATCH of several.
    package enum Contents: Sendable, Equatable {
        case one(Envelope)
        case batch([Envelope])
    }

    package static func frames(_ message: WorkerMessage) -> [[UInt8]] {
        let (command, header) = header(message)
        return [ProtocolVersion.signatureBytes, [command.rawValue], header]
    }

    package static func frames(_ message: CoordinatorMessage) -> [[UInt8]] {
        let (command, header) = header(message)
        return [ProtocolVersion.signatureBytes, [command.rawValue], header]
    }

    /// A BATCH: the signature, the BATCH command byte, then each message's command and header.
    package static func batchFrames(_ messages: [WorkerMessage]) -> [[UInt8]] {
        batchFrames(.batch, messages.map { header($0) })
    }

    package static func batchFrames(_ messages: [CoordinatorMessage]) -> [[UInt8]] {
        batchFrames(.coordinatorBatch, messages.map { header($0) })
    }

    private static func batchFrames(_ batch: Command, _ headers: [(Command, [UInt8])]) -> [[UInt8]] {
        var frames = [ProtocolVersion.signatureBytes, [batch.rawValue]]
        frames.reserveCapacity(2 + 2 * headers.count)
        for (command, header) in headers {
            frames.append([command.rawValue])
            frames.append(header)
        }
        return frames
    }

    /// One message's envelope, or a BATCH's: each of its messages checked as if it came alone.
    /// - Parameter frames: the message's frames without any routing id.
    package static func contents(_ frames: [[UInt8]]) throws(ProtocolError) -> Contents {
        guard frames.count >= 2, frames[1].count == 1, let command = Command(rawValue: frames[1][0]),
              command == .batch || command == .coordinatorBatch
        else { return .one(try envelope(frames)) }
        guard frames[0] == ProtocolVersion.signatureBytes else { throw .badSignature(found: frames[0]) }
        guard frames.count >= 4, frames.count % 2 == 0 else { throw .wrongFrameCount(frames.count, command: command) }
        let count = (frames.count - 2) / 2
        guard count <= ProtocolVersion.maxBatch else { throw .batchTooLarge(count, limit: ProtocolVersion.maxBatch) }
        var envelopes: [Envelope] = []
        envelopes.reserveCapacity(count)
        for index in 0..<count {
            let commandFrame = frames[2 + 2 * index], header = frames[3 + 2 * index]
            guard commandFrame.count == 1, let item = Command(rawValue: commandFrame[0]) else {
                throw .unknownCommand(commandFrame.first ?? 0)
            }
            guard item.isBatchable else { throw .notBatchable(item) }
            guard header.count <= ProtocolVersion.maxHeaderSize else {
                throw .headerTooLarge(header.count, limit: ProtocolVersion.maxHeaderSize)
            }
            envelopes.append(Envelope(command: item, header: header))
        }
        return .batch(envelopes)
    }

    /// Checks the frame count, signature, command byte and header size.
    /// - Parameter frames: the message's frames without any routing id.
    package static func envelope(_ frames: [[UInt8]]) throws(ProtocolError) -> Envelope {
        guard frames.count == 3 || frames.count == 4 else { throw .wrongFrameCount(frames.count, command: nil) }
        guard frames[0] == ProtocolVersion.signatureBytes else { throw .badSignature(found: frames[0]) }
        guard frames[1].count == 1, let command = Command(rawValue: frames[1][0]) else {
            throw .unknownCommand(frames[1].first ?? 0)
        }
        guard command != .batch, command != .coordinatorBatch else { throw .wrongFrameCount(frames.count, command: command) }
        guard frames.count == (command.hasPayload ? 4 : 3) else { throw .wrongFrameCount(frames.count, command: command) }
        guard frames[2].count <= ProtocolVersion.maxHeaderSize else {
            throw .headerTooLarge(frames[2].count, limit: ProtocolVersion.maxHeaderSize)
        }
        return Envelope(command: command, header: frames[2])
    }

    /// Whether a command byte (frame 1) opens a BATCH, from either side.
    package static func isBatch(_ commandByte: UInt8) -> Bool {
        commandByte == Command.batch.rawValue || commandByte == Command.coordinatorBatch.rawValue
    }

    /// The messages of a worker's BATCH, in order; one the coordinator sends is refused.
    package static func decodeWorkerBatch(_ frames: [[UInt8]]) throws(ProtocolError) -> [WorkerMessage] {
        try decodeBatch(frames, from: .batch, by: "coordinator", decodeWorkerMessage)
    }

    /// The messages of a coordinator's BATCH, in order; one a worker sends is refused.
    package static func decodeCoordinatorBatch(_ frames: [[UInt8]]) throws(ProtocolError) -> [CoordinatorMessage] {
        try decodeBatch(frames, from: .coordinatorBatch, by: "worker", decodeCoordinatorMessage)
    }

    private static func decodeBatch<M>(
        _ frames: [[UInt8]], from batch: Command, by receiver: String, _ decode: (Envelope) throws(ProtocolError) -> M
    ) throws(ProtocolError) -> [M] {
        guard case .batch(let envelopes) = try contents(frames) else { throw .wrongFrameCount(frames.count, command: batch) }
        // `contents` read a BATCH, so frame 1 holds one of the two BATCH bytes.
        guard frames[1] == [batch.rawValue] else { throw .unexpectedCommand(batch == .batch ? .coordinatorBatch : .batch, socket: receiver) }
        var messages: [M] = []
        messages.reserveCapacity(envelopes.count)
        for envelope in envelopes { messages.append(try decode(envelope)) }
        return messages
    }

    package static func decodeWorkerMessage(_ envelope: Envelope) throws(ProtocolError) -> WorkerMessage {
        let header = envelope.header
        switch envelope.command {
        case .hello: return .hello(try decode(Hello.self, header, envelope.command))
        case .poll: return .poll(try decode(Poll.self, header, envelope.command))
        case .ack: return .ack(try decode(JobAck.self, header, envelope.command))
        case .reject: return .reject(try decode(JobRejected.self, header, envelope.command))
        case .progress: return .progress(try decode(JobProgress.self, header, envelope.command))
        case .details: return .details(try decode(JobClaim.self, header, envelope.command))
        case .log: return .log(try decode(LogChunk.self, header, envelope.command))
        case .success: return .success(try decode(header, envelope.command, byHand: JobSucceeded.init(reading:)))
        case .failure: return .failure(try decode(JobFailed.self, header, envelope.command))
        case .heartbeat: return .heartbeat(try decode(WorkerHeartbeat.self, header, envelope.command))
        case .disconnect: return .disconnect(try decode(Disconnect.self, header, envelope.command))
        case .fetch: return .fetch(try decode(Fetch.self, header, envelope.command))
        case .putBegin: return .putBegin(try decode(PutBegin.self, header, envelope.command))
        case .putChunk: return .putChunk(try decode(PutChunk.self, header, envelope.command))
        case .putEnd: return .putEnd(try decode(PutEnd.self, header, envelope.command))
        case .welcome, .job, .acked, .resultAck, .cancel, .jobDetails, .coordinatorHeartbeat, .coordinatorDisconnect,
             .chunk, .putCredit, .putDone, .artifactError, .batch, .coordinatorBatch:
            throw .unexpectedCommand(envelope.command, socket: "coordinator")
        }
    }

    package static func decodeCoordinatorMessage(_ envelope: Envelope) throws(ProtocolError) -> CoordinatorMessage {
        let header = envelope.header
        switch envelope.command {
        case .welcome: return .welcome(try checked(decode(Welcome.self, header, envelope.command)))
        case .job: return .job(try decode(header, envelope.command, byHand: JobOffer.init(reading:)))
        case .acked: return .acked(try decode(Acked.self, header, envelope.command))
        case .resultAck: return .resultAck(try decode(header, envelope.command, byHand: ResultAck.init(reading:)))
        case .cancel: return .cancel(try decode(JobCancelled.self, header, envelope.command))
        case .jobDetails: return .details(try decode(JobDetails.self, header, envelope.command))
        case .coordinatorHeartbeat: return .heartbeat(try decode(CoordinatorHeartbeat.self, header, envelope.command))
        case .coordinatorDisconnect: return .disconnect(try decode(Disconnect.self, header, envelope.command))
        case .chunk: return .chunk(try decode(Chunk.self, header, envelope.command))
        case .putCredit: return .putCredit(try decode(PutCredit.self, header, envelope.command))
        case .putDone: return .putDone(try decode(PutDone.self, header, envelope.command))
        case .artifactError: return .artifactError(try decode(ArtifactError.self, header, envelope.command))
        case .hello, .poll, .ack, .reject, .progress, .details, .log, .success, .failure, .heartbeat, .disconnect,
             .fetch, .putBegin, .putChunk, .putEnd, .batch, .coordinatorBatch:
            throw .unexpectedCommand(envelope.command, socket: "worker")
        }
    }

    // MARK: - Headers

    package static func header(_ message: WorkerMessage) -> (Command, [UInt8]) {
        switch message {
        case .hello(let value): (.hello, encode(value))
        case .poll(let value): (.poll, encode(value))
        case .ack(let value): (.ack, encode(value))
        case .reject(let value): (.reject, encode(value))
        case .progress(let value): (.progress, encode(value))
        case .details(let value): (.details, encode(value))
        case .log(let value): (.log, encode(value))
        case .success(let value): (.success, value.sortedJSON())
        case .failure(let value): (.failure, encode(value))
        case .heartbeat(let value): (.heartbeat, encode(value))
        case .disconnect(let value): (.disconnect, encode(value))
        case .fetch(let value): (.fetch, encode(value))
        case .putBegin(let value): (.putBegin, encode(value))
        case .putChunk(let value): (.putChunk, encode(value))
        case .putEnd(let value): (.putEnd, encode(value))
        }
    }

    package static func header(_ message: CoordinatorMessage) -> (Command, [UInt8]) {
        switch message {
        case .welcome(let value): (.welcome, encode(value))
        case .job(let value): (.job, value.sortedJSON())
        case .acked(let value): (.acked, encode(value))
        case .resultAck(let value): (.resultAck, value.sortedJSON())
        case .cancel(let value): (.cancel, encode(value))
        case .details(let value): (.jobDetails, encode(value))
        case .heartbeat(let value): (.coordinatorHeartbeat, encode(value))
        case .disconnect(let value): (.coordinatorDisconnect, encode(value))
        case .chunk(let value): (.chunk, encode(value))
        case .putCredit(let value): (.putCredit, encode(value))
        case .putDone(let value): (.putDone, encode(value))
        case .artifactError(let value): (.artifactError, encode(value))
        }
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        do {
            return try StreamingJSONEncoder(sortedKeys: true).encode(value)
        } catch {
            // Every header type is a tree of strings, numbers and arrays: encoding cannot fail.
            preconditionFailure("encoding a protocol header failed: \(error)")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ header: [UInt8], _ command: Command) throws(ProtocolError) -> T {
        do {
            return try TokenJSONDecoder().decode(T.self, from: header)
        } catch let error as DecodingError {
            throw .malformedHeader(command, reason: describe(error, header: header))
        } catch {
            throw .malformedHeader(command, reason: "\(error)")
        }
    }

    /// JOB, SUCCESS and RESULT_ACK: read by hand (JobOfferJSON.swift, ResultJSON.swift) when the
    /// reader takes the header, otherwise by the decoder, whose error names the fault.
    private static func decode<T: Decodable>(_ header: [UInt8], _ command: Command, byHand read: (JSONReader) -> T?) throws(ProtocolError) -> T {
        if let reader = JSONReader(header), let value = read(reader) { return value }
        return try decode(T.self, header, command)
    }

    /// A WELCOME whose numbers a worker sizes its buffers and timers by, each within its range.
    private static func checked(_ welcome: Welcome) throws(ProtocolError) -> Welcome {
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws(ProtocolError) {
            guard range.contains(value) else {
                throw .malformedHeader(.welcome, reason: "'\(name)' is \(value); expected \(range.lowerBound)...\(range.upperBound)")
            }
        }
        try check("chunkSize", welcome.chunkSize, ProtocolVersion.chunkSizes)
        try check("credit", welcome.credit, ProtocolVersion.credits)
        try check("heartbeatIntervalMs", welcome.heartbeatIntervalMs, ProtocolVersion.heartbeatIntervalsMs)
        try check("heartbeatLiveness", welcome.heartbeatLiveness, ProtocolVersion.heartbeatLivenesses)
        try check("artifactPort", welcome.artifactPort, 1...65_535)
        return welcome
    }

    private static func describe(_ error: DecodingError, header: [UInt8]) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the header" : "'" + keys.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "missing required field '\(key.stringValue)'\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) should be \(type), not null"
        case .dataCorrupted(let context):
            guard context.codingPath.isEmpty else { return "\(path(context)): \(context.debugDescription)" }
            guard let reader = JSONReader(header) else { return "not valid JSON" }
            // Valid JSON that Foundation calls invalid: a number a field cannot hold. No header
            // has a field for a fraction, so the first number that is not a whole one is it.
            if let number = reader.firstNonInteger() { return "'\(number.path)' should be a 64-bit whole number, not \(number.text)" }
            return "not a JSON object"
        @unknown default:
            return "\(error)"
        }
    }
}
