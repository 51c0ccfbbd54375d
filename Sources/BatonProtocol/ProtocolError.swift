/// A message that breaks the wire contract. Receivers log it and drop the message (or answer
/// DISCONNECT); it never crashes either side.
package enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongFrameCount(Int, command: Command?)
    case badSignature(found: [UInt8])
    case unknownCommand(UInt8)
    case headerTooLarge(Int, limit: Int)
    case batchTooLarge(Int, limit: Int)
    case notBatchable(Command)
    case malformedHeader(Command, reason: String)
    case unexpectedCommand(Command, socket: String)

    package var description: String {
        switch self {
        case .wrongFrameCount(let count, let command) where command == .batch || command == .coordinatorBatch:
            return "BATCH has \(count) frames; expected the signature, the command, then a command and a header for each message (an even number, at least 4)"
        case .wrongFrameCount(let count, let command):
            let expected = command.map { $0.hasPayload ? "4 frames for \($0)" : "3 frames for \($0)" } ?? "3 or 4 frames"
            return "message has \(count) frames; expected \(expected) (signature, command, header[, payload])"
        case .badSignature(let found):
            let shown = String(decoding: found.prefix(16), as: UTF8.self)
            return "frame 0 is '\(shown)', not the protocol signature '\(ProtocolVersion.signature)'"
        case .unknownCommand(let byte):
            return "frame 1 holds unknown command byte 0x\(String(byte, radix: 16))"
        case .headerTooLarge(let size, let limit):
            return "frame 2 (header) is \(size) bytes; the limit is \(limit)"
        case .batchTooLarge(let count, let limit):
            return "BATCH carries \(count) messages; the limit is \(limit)"
        case .notBatchable(let command):
            return "\(command) may not travel inside a BATCH"
        case .malformedHeader(let command, let reason):
            return "\(command) header is not valid: \(reason)"
        case .unexpectedCommand(let command, let socket):
            return "\(command) is not a message the \(socket) accepts"
        }
    }
}
