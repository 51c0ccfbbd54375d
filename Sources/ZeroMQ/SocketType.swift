import CZeroMQ

package enum SocketType: Sendable, CustomStringConvertible {
    case router, dealer, publisher, extendedPublisher, subscriber, pair, reply, request

    var rawValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .publisher: ZMQ_PUB
        case .extendedPublisher: ZMQ_XPUB
        case .subscriber: ZMQ_SUB
        case .pair: ZMQ_PAIR
        case .reply: ZMQ_REP
        case .request: ZMQ_REQ
        }
    }

    package var description: String {
        switch self {
        case .router: "ROUTER"
        case .dealer: "DEALER"
        case .publisher: "PUB"
        case .extendedPublisher: "XPUB"
        case .subscriber: "SUB"
        case .pair: "PAIR"
        case .reply: "REP"
        case .request: "REQ"
        }
    }
}
