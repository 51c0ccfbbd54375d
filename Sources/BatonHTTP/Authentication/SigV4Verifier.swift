import BatonAPI
import Foundation

/// Checks AWS Signature Version 4 on requests against the coordinator's access keys.
package struct SigV4Verifier: Sendable {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case missing
        case malformed(String)
        case unknownKey(String)
        case expired(signedAt: String)
        case mismatch

        package var description: String {
            switch self {
            case .missing: "Missing Authentication Token"
            case .malformed(let reason): "Authorization header is malformed: \(reason)"
            case .unknownKey: "The security token included in the request is invalid."
            case .expired(let signedAt): "Signature expired: \(signedAt) is more than 15 minutes away from the coordinator's clock"
            case .mismatch:
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            }
        }
    }

    package let keys: AccessKeys

    package init(keys: AccessKeys) {
        self.keys = keys
    }

    /// The access key that signed the request, or why the request is refused. `input.headers`
    /// holds the request's headers with lower-case names.
    package func verify(_ input: SigV4.CanonicalInput, now: Date = Date()) -> Result<AccessKey, Failure> {
        guard let header = input.headers["authorization"] else { return .failure(.missing) }
        guard let authorization = SigV4.Authorization(header: header) else {
            return .failure(.malformed("expected '\(SigV4.algorithm) Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...'"))
        }
        guard let secret = keys.secret(for: authorization.accessKeyID) else { return .failure(.unknownKey(authorization.accessKeyID)) }
        guard let amzDate = input.headers["x-amz-date"], let signedAt = SigV4.parseAmzDate(amzDate) else {
            return .failure(.malformed("no valid X-Amz-Date header"))
        }
        guard authorization.signedHeaders.contains("host"), authorization.signedHeaders.contains("x-amz-date") else {
            return .failure(.malformed("the signed headers must include host and x-amz-date"))
        }
        guard abs(signedAt.timeIntervalSince(now)) <= SigV4.maxClockSkew else { return .failure(.expired(signedAt: amzDate)) }
        guard amzDate.hasPrefix(authorization.date) else { return .failure(.malformed("the credential date does not match X-Amz-Date")) }
        let canonical = SigV4.canonicalRequest(input, signedHeaders: authorization.signedHeaders)
        let expected = SigV4.signature(canonicalRequest: canonical, amzDate: amzDate, authorization: authorization, secret: secret)
        guard SigV4.constantTimeEqual(expected, authorization.signature) else { return .failure(.mismatch) }
        return .success(AccessKey(id: authorization.accessKeyID, secret: secret))
    }
}
