import Logging
import ZeroMQ

/// The ZAP handler (ZeroMQ RFC 27) for the coordinator's CURVE sockets: a connection is let in
/// only when its client public key is on the allow-list, and its ZAP user id — which every
/// message on it then carries as `User-Id` — is the worker id that key belongs to.
struct ZapAuthenticator {
    static let endpoint = "inproc://zeromq.zap.01"
    static let domain = "baton"

    let loop: SocketLoop
    let socket: OpenedSocket
    let workers: AuthorizedWorkers
    let logger: Logger

    /// Binds the handler; call before any CURVE socket binds, so no handshake goes unchecked.
    static func start(loop: SocketLoop, workers: AuthorizedWorkers, logger: Logger) async throws -> ZapAuthenticator {
        let socket = try await loop.open(SocketSpec(.router, options: SocketOptions(), bind: [endpoint]))
        return ZapAuthenticator(loop: loop, socket: socket, workers: workers, logger: logger)
    }

    func run() async {
        for await request in socket.inbound { answer(request) }
    }

    private func answer(_ request: Message) {
        // [routing id, empty, version, request id, domain, address, identity, mechanism, credentials…]
        let frames = request.frames
        guard frames.count >= 8 else {
            logger.warning("dropped a malformed ZAP request", metadata: ["frames": "\(frames.count)"])
            return
        }
        let address = frames[5].string ?? "?"
        let mechanism = frames[7].string ?? "?"
        var status = ("400", "only CURVE connections are accepted", "")
        if mechanism == "CURVE", frames.count >= 9 {
            let key = Z85.encode(frames[8].bytes)
            if let worker = key.flatMap({ workers.byKey[$0] }) {
                status = ("200", "OK", worker)
            } else {
                status = ("400", "unknown worker key", "")
                logger.warning("refused a worker whose CURVE key is not authorized", metadata: ["peer.address": "\(address)", "key": "\(key ?? "?")"])
            }
        }
        let reply = Message([frames[0], Frame([UInt8]()), Frame("1.0"), frames[3], Frame(status.0), Frame(status.1), Frame(status.2), Frame([UInt8]())])
        loop.post(reply, on: socket.handle)
    }
}
