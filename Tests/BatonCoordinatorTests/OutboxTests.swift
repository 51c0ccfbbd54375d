import BatonModel
import BatonProtocol
import Testing
import ZeroMQ
@testable import BatonCoordinator

/// The broker's outbox: what it holds for a worker leaves as one message, alone or as a BATCH.
@Suite struct OutboxTests {
    static let first = Frame([0, 1, 2, 3, 4])
    static let second = Frame([0, 9, 8, 7, 6])

    static func ack(_ number: Int) -> CoordinatorMessage {
        .resultAck(ResultAck(jobId: JobID(rawValue: "job-\(number)"), nonce: "n", resultId: "r-\(number)", outcome: .accepted))
    }

    static let welcome = CoordinatorMessage.welcome(Welcome(epoch: "e", heartbeatIntervalMs: 2000, heartbeatLiveness: 5, artifactPort: 1, chunkSize: 1024, credit: 8, maxBatch: 256))

    static func send(_ message: CoordinatorMessage, to worker: Frame, limit: Int, in outbox: inout Outbox) -> [Message] {
        let (command, header) = WireCodec.header(message)
        return outbox.send(command, header, key: worker.bytes, routingID: worker, limit: limit)
    }

    /// The message's frames after the routing id, read back as the worker would.
    static func contents(_ message: Message) throws -> WireCodec.Contents {
        try WireCodec.contents(message.frames.dropFirst().map(\.bytes))
    }

    static func alone(_ message: CoordinatorMessage) throws -> WireCodec.Contents {
        .one(try WireCodec.envelope(WireCodec.frames(message)))
    }

    @Test func oneMessageLeavesAloneAndSeveralAsABatchPerWorker() throws {
        var outbox = Outbox()
        #expect(outbox.isEmpty)
        #expect(Self.send(Self.ack(1), to: Self.first, limit: 8, in: &outbox).isEmpty)
        #expect(Self.send(Self.ack(2), to: Self.second, limit: 8, in: &outbox).isEmpty)
        #expect(Self.send(Self.ack(3), to: Self.second, limit: 8, in: &outbox).isEmpty)
        let messages = outbox.drain()
        #expect(outbox.isEmpty)
        #expect(messages.count == 2)
        let toFirst = try #require(messages.first { $0.frames[0] == Self.first })
        #expect(try Self.contents(toFirst) == Self.alone(Self.ack(1)))
        let toSecond = try #require(messages.first { $0.frames[0] == Self.second })
        guard case .batch(let envelopes) = try Self.contents(toSecond) else {
            Issue.record("two messages for one worker did not leave as a BATCH")
            return
        }
        #expect(try envelopes.map(WireCodec.decodeCoordinatorMessage) == [Self.ack(2), Self.ack(3)])
    }

    @Test func aFullBatchLeavesAtOnceAndTakeEmptiesOneWorker() throws {
        var outbox = Outbox()
        for number in 1...2 { #expect(Self.send(Self.ack(number), to: Self.first, limit: 3, in: &outbox).isEmpty) }
        let full = Self.send(Self.ack(3), to: Self.first, limit: 3, in: &outbox)
        #expect(full.count == 1)
        guard let batch = full.first, case .batch(let envelopes) = try Self.contents(batch) else {
            Issue.record("a full batch did not leave as a BATCH")
            return
        }
        #expect(envelopes.count == 3)
        #expect(outbox.isEmpty)

        _ = Self.send(Self.ack(4), to: Self.first, limit: 3, in: &outbox)
        _ = Self.send(Self.ack(5), to: Self.second, limit: 3, in: &outbox)
        let took = outbox.take(Self.first.bytes)
        let taken = try #require(took)
        #expect(taken.frames[0] == Self.first)
        #expect(outbox.take(Self.first.bytes) == nil)
        #expect(outbox.drain().map { $0.frames[0] } == [Self.second])
    }

    /// A WELCOME never joins a BATCH, even to a worker that takes them: what was queued for it
    /// leaves first, then the WELCOME alone. A worker that takes no BATCH gets everything alone.
    @Test func aWelcomeAndMessagesToAWorkerWithoutBatchesLeaveAloneInOrder() throws {
        var outbox = Outbox()
        _ = Self.send(Self.ack(1), to: Self.first, limit: 8, in: &outbox)
        _ = Self.send(Self.ack(2), to: Self.first, limit: 8, in: &outbox)
        let now = Self.send(Self.welcome, to: Self.first, limit: 8, in: &outbox)
        #expect(now.count == 2)
        guard now.count == 2, case .batch(let earlier) = try Self.contents(now[0]) else {
            Issue.record("the queued messages did not leave first, as one BATCH")
            return
        }
        #expect(try earlier.map(WireCodec.decodeCoordinatorMessage) == [Self.ack(1), Self.ack(2)])
        #expect(try Self.contents(now[1]) == Self.alone(Self.welcome))
        #expect(outbox.isEmpty)

        let plain = Self.send(Self.ack(3), to: Self.second, limit: 0, in: &outbox)
        #expect(plain.count == 1)
        #expect(try Self.contents(try #require(plain.first)) == Self.alone(Self.ack(3)))
        #expect(outbox.isEmpty)
    }
}
