import BatonAPI
import BatonHTTP
import Foundation
import Testing

/// Signature Version 4 against AWS's published test vector and botocore's own signatures.
@Suite struct SigV4Tests {
    static let example = AccessKey(id: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let baton = AccessKey(id: "AKIABATON", secret: "s3cr3t")

    static func date(_ text: String) -> Date { SigV4.parseAmzDate(text)! }

    /// AWS's `get-vanilla` case from the SigV4 test suite.
    static var vanilla: SigV4.CanonicalInput {
        SigV4.CanonicalInput(
            method: "GET", path: "/", query: "",
            headers: [
                "host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z",
                "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            ],
            payloadHash: SigV4.payloadHash(Data()))
    }

    /// A GetPipeline call as botocore 1.43 signs it (signature computed with botocore's SigV4Auth).
    static var getPipeline: SigV4.CanonicalInput {
        let body = Data(#"{"name":"hello"}"#.utf8)
        return SigV4.CanonicalInput(
            method: "POST", path: "/", query: "",
            headers: [
                "host": "127.0.0.1:7700", "x-amz-date": "20261127T220000Z", "content-type": "application/x-amz-json-1.1",
                "x-amz-target": "CodePipeline_20150709.GetPipeline", "user-agent": "aws-cli/1.45 (not signed)",
                "authorization": "AWS4-HMAC-SHA256 Credential=AKIABATON/20261127/us-east-1/codepipeline/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=55f3d88e5af56eebeb8fbd62e60891fd4bbb6a90ca8592056e895ebb792dd2a7",
            ],
            payloadHash: SigV4.payloadHash(body))
    }

    @Test func theAWSTestVectorAndABotocoreSignatureVerify() {
        let verifier = SigV4Verifier(keys: AccessKeys([Self.example, Self.baton]))
        #expect(verifier.verify(Self.vanilla, now: Self.date("20150830T123600Z")) == .success(Self.example))
        #expect(verifier.verify(Self.getPipeline, now: Self.date("20261127T220500Z")) == .success(Self.baton))
    }

    @Test func everyWrongPartIsRefusedWithItsReason() {
        let verifier = SigV4Verifier(keys: AccessKeys([Self.baton]))
        let now = Self.date("20261127T220000Z")
        var tampered = Self.getPipeline
        tampered.payloadHash = SigV4.payloadHash(Data(#"{"name":"other"}"#.utf8))
        #expect(verifier.verify(tampered, now: now) == .failure(.mismatch), "a changed body")
        var retargeted = Self.getPipeline
        retargeted.headers["x-amz-target"] = "CodePipeline_20150709.DeletePipeline"
        #expect(verifier.verify(retargeted, now: now) == .failure(.mismatch), "a changed signed header")
        let wrongSecret = SigV4Verifier(keys: AccessKeys([AccessKey(id: "AKIABATON", secret: "other")]))
        #expect(wrongSecret.verify(Self.getPipeline, now: now) == .failure(.mismatch), "a wrong secret")
        #expect(SigV4Verifier(keys: AccessKeys([Self.example])).verify(Self.getPipeline, now: now) == .failure(.unknownKey("AKIABATON")))
        #expect(verifier.verify(Self.getPipeline, now: Self.date("20261127T224000Z")) == .failure(.expired(signedAt: "20261127T220000Z")))
        var unsigned = Self.getPipeline
        unsigned.headers["authorization"] = nil
        #expect(verifier.verify(unsigned, now: now) == .failure(.missing))
        var garbage = Self.getPipeline
        garbage.headers["authorization"] = "Bearer abc"
        guard case .failure(.malformed) = verifier.verify(garbage, now: now) else {
            Issue.record("a non-SigV4 authorization header must be malformed")
            return
        }
    }

    @Test func whatTheClientSignsTheVerifierAccepts() throws {
        let url = try #require(URL(string: "http://127.0.0.1:7700/"))
        let body = Data(#"{"pipelineName":"p"}"#.utf8)
        let now = Self.date("20261127T220000Z")
        let request = ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "CodePipeline_20150709.ListPipelineExecutions"]
        let signed = SigV4.signingHeaders(method: "POST", url: url, headers: request, body: body, key: Self.baton, region: "eu-west-1", service: "codepipeline", now: now)
        var headers = Dictionary(uniqueKeysWithValues: (request.merging(signed) { $1 }).map { ($0.key.lowercased(), $0.value) })
        headers["host"] = "127.0.0.1:7700"
        let input = SigV4.CanonicalInput(method: "POST", path: "/", query: "", headers: headers, payloadHash: SigV4.payloadHash(body))
        #expect(SigV4Verifier(keys: AccessKeys([Self.baton])).verify(input, now: now) == .success(Self.baton))
    }

    @Test func credentialsFilesAreReadWithPreciseErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-creds-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func load(_ text: String) throws -> AccessKeys {
            let file = folder.appendingPathComponent("credentials")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return try AccessKeys.load(from: file.path)
        }
        let keys = try load("# keys\n[ci]\naws_access_key_id = AKIA1\naws_secret_access_key = one\n\n[deploy]\naws_access_key_id=AKIA2\naws_secret_access_key=two=2\n")
        #expect(keys.secret(for: "AKIA1") == "one")
        #expect(keys.secret(for: "AKIA2") == "two=2")
        #expect(keys.secret(for: "AKIA3") == nil)
        #expect(throws: AccessKeys.LoadError.self) { try load("[ci]\naws_access_key_id = AKIA1\n") }
        do {
            _ = try load("[ci]\naws_access_key_id = AKIA1\nthis line is wrong\n")
            Issue.record("a malformed line must be refused")
        } catch {
            #expect("\(error)".hasSuffix("credentials:3: expected '[section]' or 'name = value', found 'this line is wrong'"))
        }
        #expect(throws: AccessKeys.LoadError.self) { try load("# nothing\n") }
    }
}
