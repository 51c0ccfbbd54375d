import BatonJSON
import Foundation

/// Turns messages into frames and back.
///
/// A message is 3 or 4 frames: `"JWP1"`, one command byte, a UTF-8 JSON header (≤ 64 KiB), and —
/// for LOG, CHUNK and PUT_CHUNK only — a payload of raw bytes. The payload never passes through
/// this codec: callers keep it as the transport's frame, so bulk bytes are not copied.
package enum WireCodec {
    /// The three leading frames of a message: signature, command and header.
    package struct Envelope: Sendable, Equatable {
        package var command: Command
        package var header: [UInt8]
    }

    package static func frames(_ message: WorkerMessage) -> [[UInt8]] {
        let (command, header) = encodeHeader(message)
        return [ProtocolVersion.signatureBytes, [command.rawValue], header]
    }

    package static func frames(_ message: CoordinatorMessage) -> [[UInt8]] {
        let (command, header) = encodeHeader(message)
        return [ProtocolVersion.signatureBytes, [command.rawValue], header]
    }

    /// Checks the frame count, signature, command byte and header size.
    /// - Parameter frames: the message's frames without any routing id.
    package static func envelope(_ frames: [[UInt8]]) throws(ProtocolError) -> Envelope {
        guard frames.count == 3 || frames.count == 4 else { throw .wrongFrameCount(frames.count, command: nil) }
        guard frames[0] == ProtocolVersion.signatureBytes else { throw .badSignature(found: frames[0]) }
        guard frames[1].count == 1, let command = Command(rawValue: frames[1][0]) else {
            throw .unknownCommand(frames[1].first ?? 0)
        }
        guard frames.count == (command.hasPayload ? 4 : 3) else { throw .wrongFrameCount(frames.count, command: command) }
        guard frames[2].count <= ProtocolVersion.maxHeaderSize else {
            throw .headerTooLarge(frames[2].count, limit: ProtocolVersion.maxHeaderSize)
        }
        return Envelope(command: command, header: frames[2])
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
             .chunk, .putCredit, .putDone, .artifactError:
            throw .unexpectedCommand(envelope.command, socket: "coordinator")
        }
    }

    package static func decodeCoordinatorMessage(_ envelope: Envelope) throws(ProtocolError) -> CoordinatorMessage {
        let header = envelope.header
        switch envelope.command {
        case .welcome: return .welcome(try decode(Welcome.self, header, envelope.command))
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
             .fetch, .putBegin, .putChunk, .putEnd:
            throw .unexpectedCommand(envelope.command, socket: "worker")
        }
    }

    // MARK: - Headers

    private static func encodeHeader(_ message: WorkerMessage) -> (Command, [UInt8]) {
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

    private static func encodeHeader(_ message: CoordinatorMessage) -> (Command, [UInt8]) {
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
