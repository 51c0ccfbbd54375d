import BatonJSON
import BatonModel
import BatonTesting
import Foundation
import Testing
@testable import BatonProtocol

/// SUCCESS and RESULT_ACK written and read by hand: the sorted encoder's bytes, and the
/// `Codable` decoder's values, or that decoder's error.
@Suite struct ResultJSONTests {
    private static let digest = ArtifactDigest(hex: String(repeating: "9a", count: 32))!

    private static func fullSuccess() -> JobSucceeded {
        JobSucceeded(
            jobId: JobID(rawValue: "j-1"), nonce: "n\"1", resultId: "r-1",
            outputs: ActionOutputs(
                artifacts: [ArtifactReference(name: "Out", digest: digest, size: 12, revision: "v1"), ArtifactReference(name: "Two", digest: digest, size: 0)],
                variables: ["Z": "1", "A": "line\nbreak", "é": "✓"], summary: "built / \\ ok", externalExecutionId: "x-9",
                log: ArtifactReference(name: "log", digest: digest, size: 99)),
            continuationToken: "page-2", poll: Poll(freeSlots: 3, lastJobSeq: 41))
    }

    private static func randomSuccess(_ random: inout SeededGenerator) -> JobSucceeded {
        let pieces = ["a", "Z", "/", "\\", "\"", "\n", "\u{02}", "é", "🚀", " "]
        func text() -> String { (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        func reference() -> ArtifactReference {
            ArtifactReference(name: text(), digest: digest, size: Int64.random(in: 0...Int64.max, using: &random), revision: maybe(text))
        }
        return JobSucceeded(
            jobId: JobID(rawValue: text()), nonce: text(), resultId: text(),
            outputs: ActionOutputs(
                artifacts: (0..<Int.random(in: 0...3, using: &random)).map { _ in reference() },
                variables: Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (text(), text()) }) { first, _ in first },
                summary: maybe(text), externalExecutionId: maybe(text), log: maybe(reference)),
            continuationToken: maybe(text),
            poll: maybe { Poll(freeSlots: Int.random(in: 0...64, using: &random), lastJobSeq: Int.random(in: 0...Int.max, using: &random)) })
    }

    private static let acks = [
        ResultAck(jobId: JobID(rawValue: "j"), nonce: "n", resultId: "r", outcome: .accepted),
        ResultAck(jobId: JobID(rawValue: "j\n"), nonce: "", resultId: "r", outcome: .missingArtifacts, missing: ["Out", "Lo\"g"]),
        ResultAck(jobId: JobID(rawValue: "j"), nonce: "n", resultId: "r", outcome: .duplicate, missing: []),
    ]

    private static func sortedCodable(_ value: some Encodable) throws -> [UInt8] {
        try StreamingJSONEncoder(sortedKeys: true).encode(value)
    }

    private static func pretty(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        return Array(try encoder.encode(value))
    }

    @Test func theFixturesSetEveryPropertyTheWritersWrite() {
        let success = Self.fullSuccess()
        #expect(Mirror(reflecting: success).children.count == 6)
        #expect(Mirror(reflecting: success.outputs).children.count == 5)
        #expect(Mirror(reflecting: success.outputs.artifacts[0]).children.count == 4)
        #expect(Mirror(reflecting: success.poll!).children.count == 2)
        #expect(Mirror(reflecting: Self.acks[1]).children.count == 5)
    }

    @Test func theWritersGiveTheSortedEncodersBytes() throws {
        var random = SeededGenerator(state: 3)
        for success in [Self.fullSuccess()] + (0..<300).map({ _ in Self.randomSuccess(&random) }) {
            #expect(success.sortedJSON() == (try Self.sortedCodable(success)))
        }
        for ack in Self.acks {
            #expect(ack.sortedJSON() == (try Self.sortedCodable(ack)))
        }
    }

    @Test func theReadersGiveWhatTheDecoderGives() throws {
        var random = SeededGenerator(state: 13)
        for success in [Self.fullSuccess()] + (0..<300).map({ _ in Self.randomSuccess(&random) }) {
            let reader = try #require(JSONReader(success.sortedJSON()))
            #expect(JobSucceeded(reading: reader) == success)
            let pretty = try Self.pretty(success)
            #expect(JobSucceeded(reading: try #require(JSONReader(pretty))) == (try TokenJSONDecoder().decode(JobSucceeded.self, from: pretty)))
        }
        for ack in Self.acks {
            #expect(ResultAck(reading: try #require(JSONReader(try Self.pretty(ack)))) == ack)
        }
    }

    /// What the readers will not take, WireCodec hands to the decoder, whose error names it.
    @Test(arguments: [
        (Command.success, #"{"jobId":"j","nonce":"n","resultId":"r","outputs":{"variables":{}}}"#, "SUCCESS header is not valid: missing required field 'artifacts' in 'outputs'"),
        (Command.success, #"{"jobId":"j","nonce":"n","resultId":"r","outputs":{"artifacts":[{"name":"a","digest":"zz","size":1}],"variables":{}}}"#, nil),
        (Command.resultAck, #"{"jobId":"j","nonce":"n","resultId":"r","outcome":"maybe"}"#, nil),
    ])
    func whatTheReadersRefuseTheDecoderRefuses(_ command: Command, _ header: String, _ reason: String?) throws {
        let reader = try #require(JSONReader(Array(header.utf8)))
        #expect(JobSucceeded(reading: reader) == nil && ResultAck(reading: reader) == nil)
        let envelope = try WireCodec.envelope([Array("JWP1".utf8), [command.rawValue], Array(header.utf8)])
        let error = #expect(throws: ProtocolError.self) {
            if command == .success { _ = try WireCodec.decodeWorkerMessage(envelope) } else { _ = try WireCodec.decodeCoordinatorMessage(envelope) }
        }
        if let reason { #expect(error?.description == reason) }
    }
}
