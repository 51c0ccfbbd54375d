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

    /// The message's frames after the routing id, read back as the worker would.
    static func contents(_ message: Message) throws -> WireCodec.Contents {
        try WireCodec.contents(message.frames.dropFirst().map(\.bytes))
    }

    @Test func oneMessageLeavesAloneAndSeveralAsABatchPerWorker() throws {
        var outbox = Outbox()
        #expect(outbox.isEmpty)
        #expect(outbox.add(Self.ack(1), key: Self.first.bytes, routingID: Self.first, limit: 8) == nil)
        #expect(outbox.add(Self.ack(2), key: Self.second.bytes, routingID: Self.second, limit: 8) == nil)
        #expect(outbox.add(Self.ack(3), key: Self.second.bytes, routingID: Self.second, limit: 8) == nil)
        let messages = outbox.drain()
        #expect(outbox.isEmpty)
        #expect(messages.count == 2)
        let toFirst = try #require(messages.first { $0.frames[0] == Self.first })
        #expect(try Self.contents(toFirst) == .one(WireCodec.envelope(WireCodec.frames(Self.ack(1)))))
        let toSecond = try #require(messages.first { $0.frames[0] == Self.second })
        guard case .batch(let envelopes) = try Self.contents(toSecond) else {
            Issue.record("two messages for one worker did not leave as a BATCH")
            return
        }
        #expect(try envelopes.map(WireCodec.decodeCoordinatorMessage) == [Self.ack(2), Self.ack(3)])
    }

    @Test func aFullBatchLeavesAtOnceAndTakeEmptiesOneWorker() throws {
        var outbox = Outbox()
        for number in 1...2 { #expect(outbox.add(Self.ack(number), key: Self.first.bytes, routingID: Self.first, limit: 3) == nil) }
        let added = outbox.add(Self.ack(3), key: Self.first.bytes, routingID: Self.first, limit: 3)
        let full = try #require(added)
        guard case .batch(let envelopes) = try Self.contents(full) else {
            Issue.record("a full batch did not leave as a BATCH")
            return
        }
        #expect(envelopes.count == 3)
        #expect(outbox.isEmpty)

        _ = outbox.add(Self.ack(4), key: Self.first.bytes, routingID: Self.first, limit: 3)
        _ = outbox.add(Self.ack(5), key: Self.second.bytes, routingID: Self.second, limit: 3)
        let took = outbox.take(Self.first.bytes)
        let taken = try #require(took)
        #expect(taken.frames[0] == Self.first)
        #expect(outbox.take(Self.first.bytes) == nil)
        #expect(outbox.drain().map { $0.frames[0] } == [Self.second])
    }
}
