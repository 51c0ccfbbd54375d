import CZeroMQ

/// A CURVE key pair in Z85 text form (40 characters each), as libzmq's CURVE options take them.
package struct CurveKeyPair: Sendable, Equatable {
    package let publicKey: String
    package let secretKey: String

    package init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    package static func generate() throws(ZeroMQError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw .last("zmq_curve_keypair") }
        return CurveKeyPair(publicKey: String(zeroTerminated: publicKey), secretKey: String(zeroTerminated: secretKey))
    }

    /// Derives the public key from a Z85 secret key.
    package static func publicKey(forSecretKey secretKey: String) throws(ZeroMQError) -> String {
        var publicKey = [CChar](repeating: 0, count: 41)
        guard secretKey.utf8.count == 40, zmq_curve_public(&publicKey, secretKey) == 0 else {
            throw ZeroMQError(errno: EINVAL, function: "zmq_curve_public")
        }
        return String(zeroTerminated: publicKey)
    }
}

extension String {
    /// Decodes a NUL-terminated C character buffer filled in by libzmq.
    init(zeroTerminated buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// ZeroMQ's Z85 text encoding of binary keys (RFC 32).
package enum Z85 {
    /// Encodes bytes whose count is a multiple of 4; nil otherwise.
    package static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        var text = [CChar](repeating: 0, count: bytes.count * 5 / 4 + 1)
        guard zmq_z85_encode(&text, bytes, bytes.count) != nil else { return nil }
        return String(zeroTerminated: text)
    }
}
