/// The command byte of a message (frame 1). Worker-to-coordinator commands have the high bit
/// clear, coordinator-to-worker commands have it set; 0x2_/0xA_ are the artifact socket's.
package enum Command: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    // Control socket, worker → coordinator.
    case hello = 0x01
    case poll = 0x02
    case ack = 0x03
    case reject = 0x04
    case progress = 0x05
    case log = 0x06
    case success = 0x07
    case failure = 0x08
    case heartbeat = 0x09
    case disconnect = 0x0A
    case details = 0x0B
    case batch = 0x0C

    // Control socket, coordinator → worker.
    case welcome = 0x81
    case job = 0x82
    case acked = 0x83
    case resultAck = 0x84
    case cancel = 0x85
    case coordinatorHeartbeat = 0x89
    case coordinatorDisconnect = 0x8A
    case jobDetails = 0x8B
    case coordinatorBatch = 0x8C

    // Artifact socket.
    case fetch = 0x20
    case putBegin = 0x21
    case putChunk = 0x22
    case putEnd = 0x23
    case chunk = 0xA0
    case putCredit = 0xA1
    case putDone = 0xA2
    case artifactError = 0xAF

    package var description: String {
        switch self {
        case .hello: "HELLO"
        case .poll: "POLL"
        case .ack: "ACK"
        case .reject: "REJECT"
        case .progress: "PROGRESS"
        case .cancel: "CANCEL"
        case .details, .jobDetails: "DETAILS"
        case .log: "LOG"
        case .success: "SUCCESS"
        case .failure: "FAILURE"
        case .heartbeat, .coordinatorHeartbeat: "HEARTBEAT"
        case .disconnect, .coordinatorDisconnect: "DISCONNECT"
        case .batch, .coordinatorBatch: "BATCH"
        case .welcome: "WELCOME"
        case .job: "JOB"
        case .acked: "ACKED"
        case .resultAck: "RESULT_ACK"
        case .fetch: "FETCH"
        case .putBegin: "PUT_BEGIN"
        case .putChunk: "PUT_CHUNK"
        case .putEnd: "PUT_END"
        case .chunk: "CHUNK"
        case .putCredit: "PUT_CREDIT"
        case .putDone: "PUT_DONE"
        case .artifactError: "ERROR"
        }
    }

    /// Whether a message with this command may travel inside a BATCH: a control message with no
    /// payload, other than the HELLO and WELCOME that agree on batching.
    package var isBatchable: Bool {
        switch self {
        case .poll, .ack, .reject, .progress, .details, .success, .failure, .heartbeat, .disconnect,
             .job, .acked, .resultAck, .cancel, .jobDetails, .coordinatorHeartbeat, .coordinatorDisconnect: true
        default: false
        }
    }

    /// Whether a message with this command carries a payload frame after its header.
    package var hasPayload: Bool {
        switch self {
        case .log, .putChunk, .chunk: true
        default: false
        }
    }
}
