import CZeroMQ

/// The socket options Baton sets, applied when a socket is opened. `nil` leaves libzmq's default.
package struct SocketOptions: Sendable {
    package enum Curve: Sendable {
        /// This socket is a CURVE server holding the given Z85 secret key.
        case server(secretKey: String, zapDomain: String?)
        /// This socket is a CURVE client authenticating with its own key pair to `serverKey`.
        case client(keys: CurveKeyPair, serverKey: String)
    }

    /// Milliseconds pending messages are kept after close. Defaults to 0 so closing never blocks.
    package var linger: Int32 = 0
    package var sendHighWaterMark: Int32?
    package var receiveHighWaterMark: Int32?
    /// Largest accepted inbound frame, in bytes; a peer sending a larger frame is disconnected.
    package var maxMessageSize: Int64?
    /// ROUTER: fail sends to unknown peers with EHOSTUNREACH instead of dropping them.
    package var routerMandatory: Bool?
    /// ROUTER: a new connection with an existing routing id takes it over.
    package var routerHandover: Bool?
    /// DEALER: queue only on completed connections.
    package var immediate: Bool?
    package var routingID: [UInt8]?
    package var reconnectInterval: Int32?
    package var reconnectIntervalMax: Int32?
    package var handshakeInterval: Int32?
    /// ZMTP PING interval, timeout and remote TTL, in milliseconds.
    package var heartbeatInterval: Int32?
    package var heartbeatTimeout: Int32?
    package var heartbeatTTL: Int32?
    package var tcpKeepAlive: Bool?
    package var curve: Curve?
    /// Most frames kept of one inbound message (enforced here, not by libzmq): a message with
    /// more is received whole, discarded and counted (`Socket.discardedMessages`).
    package var maxFramesPerMessage: Int?
    /// SUB: topic prefixes to subscribe to.
    package var subscriptions: [[UInt8]] = []

    package init() {}

    func apply(to socket: Socket) throws(ZeroMQError) {
        try socket.set(ZMQ_LINGER, linger)
        socket.maxFrames = maxFramesPerMessage
        if let sendHighWaterMark { try socket.set(ZMQ_SNDHWM, sendHighWaterMark) }
        if let receiveHighWaterMark { try socket.set(ZMQ_RCVHWM, receiveHighWaterMark) }
        if let maxMessageSize { try socket.set(ZMQ_MAXMSGSIZE, int64: maxMessageSize) }
        if let routerMandatory { try socket.set(ZMQ_ROUTER_MANDATORY, Int32(routerMandatory ? 1 : 0)) }
        if let routerHandover { try socket.set(ZMQ_ROUTER_HANDOVER, Int32(routerHandover ? 1 : 0)) }
        if let immediate { try socket.set(ZMQ_IMMEDIATE, Int32(immediate ? 1 : 0)) }
        if let routingID { try socket.set(ZMQ_ROUTING_ID, bytes: routingID) }
        if let reconnectInterval { try socket.set(ZMQ_RECONNECT_IVL, reconnectInterval) }
        if let reconnectIntervalMax { try socket.set(ZMQ_RECONNECT_IVL_MAX, reconnectIntervalMax) }
        if let handshakeInterval { try socket.set(ZMQ_HANDSHAKE_IVL, handshakeInterval) }
        if let heartbeatInterval { try socket.set(ZMQ_HEARTBEAT_IVL, heartbeatInterval) }
        if let heartbeatTimeout { try socket.set(ZMQ_HEARTBEAT_TIMEOUT, heartbeatTimeout) }
        if let heartbeatTTL { try socket.set(ZMQ_HEARTBEAT_TTL, heartbeatTTL) }
        if let tcpKeepAlive { try socket.set(ZMQ_TCP_KEEPALIVE, Int32(tcpKeepAlive ? 1 : 0)) }
        switch curve {
        case .server(let secretKey, let zapDomain):
            try socket.set(ZMQ_CURVE_SERVER, Int32(1))
            try socket.set(ZMQ_CURVE_SECRETKEY, bytes: Array(secretKey.utf8))
            if let zapDomain { try socket.set(ZMQ_ZAP_DOMAIN, bytes: Array(zapDomain.utf8)) }
        case .client(let keys, let serverKey):
            try socket.set(ZMQ_CURVE_SERVERKEY, bytes: Array(serverKey.utf8))
            try socket.set(ZMQ_CURVE_PUBLICKEY, bytes: Array(keys.publicKey.utf8))
            try socket.set(ZMQ_CURVE_SECRETKEY, bytes: Array(keys.secretKey.utf8))
        case nil:
            break
        }
        for prefix in subscriptions { try socket.set(ZMQ_SUBSCRIBE, bytes: prefix) }
    }
}
