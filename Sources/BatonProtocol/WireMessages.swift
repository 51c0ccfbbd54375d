/// Everything a worker sends, on either socket.
package enum WorkerMessage: Sendable, Hashable {
    case hello(Hello)
    case poll(Poll)
    case ack(JobAck)
    case reject(JobRejected)
    case progress(JobProgress)
    case details(JobClaim)
    case log(LogChunk)
    case success(JobSucceeded)
    case failure(JobFailed)
    case heartbeat(WorkerHeartbeat)
    case disconnect(Disconnect)
    case fetch(Fetch)
    case putBegin(PutBegin)
    case putChunk(PutChunk)
    case putEnd(PutEnd)

    /// A result with `poll` riding on it; any other message unchanged.
    package func carrying(_ poll: Poll) -> WorkerMessage {
        switch self {
        case .success(var result):
            result.poll = poll
            return .success(result)
        case .failure(var result):
            result.poll = poll
            return .failure(result)
        default:
            return self
        }
    }
}

/// Everything a coordinator sends, on either socket.
package enum CoordinatorMessage: Sendable, Hashable {
    case welcome(Welcome)
    case job(JobOffer)
    case acked(Acked)
    case resultAck(ResultAck)
    case cancel(JobCancelled)
    case details(JobDetails)
    case heartbeat(CoordinatorHeartbeat)
    case disconnect(Disconnect)
    case chunk(Chunk)
    case putCredit(PutCredit)
    case putDone(PutDone)
    case artifactError(ArtifactError)
}
