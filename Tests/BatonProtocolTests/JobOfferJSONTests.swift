import BatonJSON
import BatonModel
import BatonTesting
import Foundation
import Testing
@testable import BatonProtocol

/// JOB's hand-written header: the writer gives the sorted-keys encoder's bytes exactly, and the
/// reader takes what the `Codable` decoder takes (any key order, spacing, nulls, unknown and
/// repeated keys) and gives the same value, or gives up and leaves the error to that decoder.
@Suite struct JobOfferJSONTests {
    private static let digest = ArtifactDigest(hex: String(repeating: "cd", count: 32))!

    /// Every property set, with strings that need escaping and keys out of order.
    private static func fullOffer() -> JobOffer {
        var data = JobData(
            actionTypeId: ActionTypeID(category: "Build", owner: "Custom", provider: "Make \"quoted\"", version: "2"),
            configuration: ["Zeta": "last", "Alpha": "line\nbreak", "mid": "tab\there", "Émoji": "✓ 🚀", "slash": "a/b\\c"],
            pipelineContext: PipelineContext(
                pipelineName: "web", stageName: "Build", actionName: "Compile",
                actionExecutionID: ActionExecutionID(rawValue: "a-1"), executionID: ExecutionID(rawValue: "e-1")),
            inputArtifacts: [
                JobArtifact.input(ArtifactReference(name: "Src", digest: digest, size: 1 << 40, revision: "abc123")),
                JobArtifact(name: "Bare"),
            ],
            outputArtifacts: [JobArtifact(name: "Out", files: ["dist/**", "*.txt"])],
            commands: ["make", "make test"],
            outputVariables: ["VERSION"],
            environmentVariables: [EnvironmentVariable(name: "A", value: "1", type: "PLAINTEXT"), EnvironmentVariable(name: "B", value: "")])
        data.continuationToken = "page-2"
        data.requiredLabels = ["region": "eu", "env": "production"]
        data.sourceRepository = "https://git.example/r.git"
        data.sourceRevision = "0123abcd"
        return JobOffer(jobSeq: 42, jobId: JobID(rawValue: "j-1"), nonce: "6f1c0e5a9b2d4c3e8f7a6b5c4d3e2f10", attempt: 3, data: data)
    }

    private static func minimalOffer() -> JobOffer {
        JobOffer(jobSeq: 0, jobId: JobID(rawValue: "j-0"), nonce: "n", attempt: -1, data: JobData(
            actionTypeId: .commands, configuration: [:],
            pipelineContext: PipelineContext(
                pipelineName: "p", stageName: "s", actionName: "a", actionExecutionID: ActionExecutionID(rawValue: ""), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: [], outputArtifacts: []))
    }

    /// Random offers: each optional present or not, strings from a mix that needs escaping.
    private static func randomOffer(_ random: inout some RandomNumberGenerator) -> JobOffer {
        let pieces = ["a", "Z", "/", "\\", "\"", "\n", "\u{01}", "é", "🚀", "key", " ", "0"]
        func text() -> String { (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        func map() -> [String: String] { Dictionary((0..<Int.random(in: 0...4, using: &random)).map { _ in (text(), text()) }) { first, _ in first } }
        func artifact() -> JobArtifact {
            JobArtifact(
                name: text(), revision: maybe(text),
                location: maybe { JobArtifact.Location(type: text(), s3Location: maybe { .init(bucketName: text(), objectKey: text()) }) },
                sha256: maybe { digest }, size: maybe { Int64.random(in: Int64.min...Int64.max, using: &random) },
                files: maybe { (0..<2).map { _ in text() } })
        }
        var data = JobData(
            actionTypeId: ActionTypeID(category: text(), owner: text(), provider: text(), version: text()), configuration: map(),
            pipelineContext: PipelineContext(
                pipelineName: text(), stageName: text(), actionName: text(), actionExecutionID: ActionExecutionID(rawValue: text()),
                executionID: ExecutionID(rawValue: text())),
            inputArtifacts: (0..<Int.random(in: 0...3, using: &random)).map { _ in artifact() },
            outputArtifacts: (0..<Int.random(in: 0...2, using: &random)).map { _ in artifact() },
            commands: maybe { [text(), text()] }, outputVariables: maybe { [text()] },
            environmentVariables: maybe { [EnvironmentVariable(name: text(), value: text(), type: maybe(text))] })
        data.continuationToken = maybe(text)
        data.requiredLabels = maybe(map)
        data.sourceRepository = maybe(text)
        data.sourceRevision = maybe(text)
        return JobOffer(jobSeq: Int.random(in: 0...Int.max, using: &random), jobId: JobID(rawValue: text()), nonce: text(), attempt: Int.random(in: -5...5, using: &random), data: data)
    }

    private static func sortedCodable(_ offer: JobOffer) throws -> [UInt8] {
        try StreamingJSONEncoder(sortedKeys: true).encode(offer)
    }

    private static func read(_ bytes: [UInt8]) -> JobOffer? {
        JSONReader(bytes).flatMap { JobOffer(reading: $0) }
    }

    @Test func theFixturesSetEveryPropertyTheWriterWrites() {
        // A property added to any of these types and not to JobOfferJSON.swift would be dropped
        // from JOB: these counts fail first.
        let offer = Self.fullOffer()
        #expect(Mirror(reflecting: offer).children.count == 5)
        #expect(Mirror(reflecting: offer.data).children.count == 12)
        #expect(Mirror(reflecting: offer.data.inputArtifacts[0]).children.count == 6)
        #expect(Mirror(reflecting: offer.data.pipelineContext).children.count == 4)
        #expect(Mirror(reflecting: offer.data.actionTypeId).children.count == 4)
        #expect(Mirror(reflecting: offer.data.environmentVariables![0]).children.count == 3)
        let unset = Mirror(reflecting: offer.data).children.filter { child in
            let inner = Mirror(reflecting: child.value)
            return inner.displayStyle == .optional && inner.children.isEmpty
        }
        #expect(unset.isEmpty)
    }

    @Test func theWriterGivesTheSortedEncodersBytes() throws {
        for offer in [Self.fullOffer(), Self.minimalOffer()] {
            #expect(offer.sortedJSON() == (try Self.sortedCodable(offer)))
            let foundation = JSONEncoder()
            foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(offer.sortedJSON() == Array(try foundation.encode(offer)))
        }
        var random = SeededGenerator(state: 7)
        for _ in 0..<300 {
            let offer = Self.randomOffer(&random)
            #expect(offer.sortedJSON() == (try Self.sortedCodable(offer)))
        }
    }

    @Test func theReaderGivesWhatTheDecoderGives() throws {
        let unsorted = JSONEncoder()
        unsorted.outputFormatting = [.prettyPrinted]
        var random = SeededGenerator(state: 11)
        let offers = [Self.fullOffer(), Self.minimalOffer()] + (0..<300).map { _ in Self.randomOffer(&random) }
        for offer in offers {
            #expect(Self.read(offer.sortedJSON()) == offer)
            // Another key order, with spacing, as another language's worker library might write.
            let pretty = Array(try unsorted.encode(offer))
            #expect(Self.read(pretty) == offer)
            #expect(Self.read(pretty) == (try TokenJSONDecoder().decode(JobOffer.self, from: pretty)))
        }
    }

    @Test func nullsUnknownAndRepeatedKeysReadAsTheDecoderReadsThem() throws {
        let text = """
            {"nonce":"n","attempt":1,"jobSeq":2,"jobId":"j","jobId":"second","extra":{"x":[1,2]},
             "data":{"actionTypeId":{"category":"Build","owner":"Custom","provider":"P","version":"1","more":true},
                     "actionConfiguration":{"configuration":{"K":"V","K":"W"}},
                     "pipelineContext":{"pipelineName":"p","pipelineExecutionId":"e","stage":{"name":"s"},"action":{"name":"a","actionExecutionId":"x"}},
                     "inputArtifacts":[{"name":"In","sha256":null,"size":null,"location":{"type":"S3","s3Location":null}}],
                     "outputArtifacts":[],"continuationToken":null,"commands":null,"requiredLabels":null,"sourceRevision":"\\u0041\\n"}}
            """
        let bytes = Array(text.utf8)
        let decoded = try TokenJSONDecoder().decode(JobOffer.self, from: bytes)
        let read = try #require(Self.read(bytes))
        #expect(read == decoded)
        #expect(read.jobId.rawValue == "j" && read.data.actionConfiguration.configuration == ["K": "V"] && read.data.sourceRevision == "A\n")
    }

    /// What the reader will not take, the decoder refuses with the field named; WireCodec answers
    /// with that error.
    @Test(arguments: [
        (#"{"attempt":1,"jobId":"j","jobSeq":1,"nonce":"n"}"#, "missing required field 'data'"),
        (#"{"attempt":"1","data":{},"jobId":"j","jobSeq":1,"nonce":"n"}"#, "'attempt' should be Int"),
        (#"{"attempt":1,"data":{},"jobId":5,"jobSeq":1,"nonce":"n"}"#, "'jobId' should be String"),
    ])
    func whatTheReaderRefusesTheDecoderNames(_ header: String, _ reason: String) throws {
        #expect(Self.read(Array(header.utf8)) == nil)
        let envelope = try WireCodec.envelope([Array("JWP1".utf8), [Command.job.rawValue], Array(header.utf8)])
        let error = #expect(throws: ProtocolError.self) { try WireCodec.decodeCoordinatorMessage(envelope) }
        #expect(error?.description == "JOB header is not valid: \(reason)")
    }

    @Test func aBadDigestOrAMissingNestedFieldIsRefusedByBoth() throws {
        var offer = Self.fullOffer()
        offer.data.inputArtifacts = [JobArtifact(name: "In")]
        let good = String(decoding: offer.sortedJSON(), as: UTF8.self)
        let badDigest = good.replacingOccurrences(of: #""name":"In""#, with: #""name":"In","sha256":"xyz""#)
        let noStage = good.replacingOccurrences(of: #""stage":{"name":"Build"}"#, with: #""stage":{}"#)
        for header in [badDigest, noStage] {
            #expect(header != good)
            #expect(Self.read(Array(header.utf8)) == nil)
            #expect(throws: (any Error).self) { try TokenJSONDecoder().decode(JobOffer.self, from: Array(header.utf8)) }
        }
    }
}
