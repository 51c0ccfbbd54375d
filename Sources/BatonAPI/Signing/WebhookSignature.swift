import Crypto
import Foundation

/// How git hosts sign webhook deliveries, checked in one place for connection webhooks and
/// PutWebhook webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` (GitHub,
/// Bitbucket), GitHub's older `X-Hub-Signature: sha1=…` where allowed, or GitLab's
/// `X-Gitlab-Token` carrying the secret itself. Comparisons take constant time.
package enum WebhookSignature {
    package struct Mismatch: Error, CustomStringConvertible {
        package let description: String
    }

    /// `headers` with lower-case names; `secretName` says in errors whose secret failed to match.
    package static func check(
        headers: [String: String], body: Data, secret: String, secretName: String = "the connection's webhook secret",
        allowGitLabToken: Bool = true, allowSHA1: Bool = false
    ) throws(Mismatch) {
        let key = SymmetricKey(data: Data(secret.utf8))
        if allowGitLabToken, let token = headers["x-gitlab-token"] {
            guard SigV4.constantTimeEqual(token, secret) else { throw Mismatch(description: "X-Gitlab-Token does not match \(secretName)") }
            return
        }
        if allowSHA1, headers["x-hub-signature-256"] == nil, let signature = headers["x-hub-signature"], signature.hasPrefix("sha1=") {
            let expected = SigV4.hex(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key))
            guard SigV4.constantTimeEqual(String(signature.dropFirst(5)).lowercased(), expected) else {
                throw Mismatch(description: "the signature does not match \(secretName)")
            }
            return
        }
        guard let signature = headers["x-hub-signature-256"] ?? headers["x-hub-signature"] else {
            throw Mismatch(description: "the delivery is not signed: expected X-Hub-Signature-256 (GitHub, Bitbucket)" + (allowGitLabToken ? " or X-Gitlab-Token" : ""))
        }
        guard signature.hasPrefix("sha256=") else { throw Mismatch(description: "only sha256= signatures are accepted, not \(signature.prefix(12))…") }
        let expected = SigV4.hex(HMAC<SHA256>.authenticationCode(for: body, using: key))
        guard SigV4.constantTimeEqual(String(signature.dropFirst(7)).lowercased(), expected) else {
            throw Mismatch(description: "the signature does not match \(secretName)")
        }
    }
}
