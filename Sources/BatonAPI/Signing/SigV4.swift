import Crypto
import Foundation

/// An AWS access key pair: what signs a request and what checks it.
package struct AccessKey: Sendable, Hashable {
    package var id: String
    package var secret: String

    package init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }
}

/// AWS Signature Version 4, as the AWS SDKs and CLI sign requests: the canonical request, the
/// string to sign and the derived signing key. Used by `baton` to sign and by the coordinator to
/// verify, so both sides compute exactly the same thing.
package enum SigV4 {
    package static let algorithm = "AWS4-HMAC-SHA256"
    /// A request signed longer ago (or further ahead) than this is refused, as AWS does.
    package static let maxClockSkew: TimeInterval = 15 * 60

    /// What of a request the signature covers. Header names are lower case; `path` and `query`
    /// are as sent on the wire (already percent-encoded).
    package struct CanonicalInput: Sendable {
        package var method: String
        package var path: String
        package var query: String
        package var headers: [String: String]
        package var payloadHash: String

        package init(method: String, path: String, query: String, headers: [String: String], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The parsed `Authorization` header.
    package struct Authorization: Sendable, Equatable {
        package var accessKeyID: String
        package var date: String
        package var region: String
        package var service: String
        package var signedHeaders: [String]
        package var signature: String

        package var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

        /// Nil when the header is not a SigV4 authorization.
        package init?(header: String) {
            guard header.hasPrefix(SigV4.algorithm + " ") else { return nil }
            var fields: [String: String] = [:]
            for part in header.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { return nil }
                fields[String(pair[0])] = String(pair[1])
            }
            guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else { return nil }
            let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else { return nil }
            accessKeyID = scope[0]
            date = scope[1]
            region = scope[2]
            service = scope[3]
            signedHeaders = signed.split(separator: ";").map(String.init)
            self.signature = signature
        }

        package var header: String {
            "\(SigV4.algorithm) Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        }
    }

    package static func canonicalRequest(_ input: CanonicalInput, signedHeaders: [String]) -> String {
        let headers = signedHeaders.map { name in
            let value = (input.headers[name] ?? "").trimmingCharacters(in: .whitespaces)
                .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            return "\(name):\(value)\n"
        }.joined()
        return [input.method, input.path.isEmpty ? "/" : input.path, canonicalQuery(input.query), headers, signedHeaders.joined(separator: ";"), input.payloadHash]
            .joined(separator: "\n")
    }

    /// Query parameters sorted by name, then value, each `name=value` as sent.
    static func canonicalQuery(_ query: String) -> String {
        var pairs: [(name: String, value: String)] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
        }
        pairs.sort { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        return pairs.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    package static func signature(canonicalRequest: String, amzDate: String, authorization: Authorization, secret: String) -> String {
        let stringToSign = [algorithm, amzDate, authorization.scope, hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [authorization.date, authorization.region, authorization.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    package static func payloadHash(_ body: Data) -> String {
        hex(SHA256.hash(data: body))
    }

    /// `20261127T221500Z`, the `X-Amz-Date` form.
    package static func amzDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    package static func parseAmzDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }

    /// The headers to add to a request so that it is signed with `key`, as botocore signs it.
    package static func signingHeaders(
        method: String, url: URL, headers: [String: String], body: Data, key: AccessKey, region: String, service: String, now: Date = Date()
    ) -> [String: String] {
        let amzDate = amzDate(now)
        var signed = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        let port = url.port.map { ":\($0)" } ?? ""
        signed["host"] = (url.host ?? "") + port
        signed["x-amz-date"] = amzDate
        let names = signed.keys.sorted()
        let input = CanonicalInput(method: method, path: url.path.isEmpty ? "/" : url.path, query: url.query ?? "", headers: signed, payloadHash: payloadHash(body))
        guard var authorization = Authorization(header: "\(algorithm) Credential=\(key.id)/\(amzDate.prefix(8))/\(region)/\(service)/aws4_request, SignedHeaders=\(names.joined(separator: ";")), Signature=-") else {
            return ["X-Amz-Date": amzDate]
        }
        authorization.signature = signature(canonicalRequest: canonicalRequest(input, signedHeaders: names), amzDate: amzDate, authorization: authorization, secret: key.secret)
        return ["X-Amz-Date": amzDate, "Authorization": authorization.header]
    }

    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Equality whose time does not depend on where the texts first differ (signatures, tokens).
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
