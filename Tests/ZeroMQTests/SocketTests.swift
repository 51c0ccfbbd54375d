import Testing
@testable import ZeroMQ

@Suite struct SocketTests {
    @Test func pairSocketsExchangeMultipartMessagesOverInproc() throws {
        let context = try ZeroMQContext()
        let a = try Socket(context: context, type: .pair)
        let b = try Socket(context: context, type: .pair)
        try a.bind("inproc://pair-test")
        try b.connect("inproc://pair-test")
        try a.send(Message(strings: ["one", "", "three"]), dontWait: false)
        let received = try #require(try b.receive(dontWait: false))
        #expect(received.frames.map(\.string) == ["one", "", "three"])
    }

    @Test func receiveWithoutWaitingReturnsNilWhenNothingArrived() throws {
        let context = try ZeroMQContext()
        let socket = try Socket(context: context, type: .pair)
        try socket.bind("inproc://empty")
        #expect(try socket.receive(dontWait: true) == nil)
    }

    @Test func wildcardTCPBindReportsTheChosenPort() throws {
        let context = try ZeroMQContext()
        let socket = try Socket(context: context, type: .router)
        try socket.bind("tcp://127.0.0.1:*")
        let endpoint = try #require(socket.lastEndpoint)
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!endpoint.hasSuffix(":*"))
    }

    @Test func bindingAnInvalidEndpointNamesTheCallAndTheReason() throws {
        let context = try ZeroMQContext()
        let socket = try Socket(context: context, type: .router)
        let error = #expect(throws: ZeroMQError.self) { try socket.bind("nonsense://x") }
        #expect(error?.description.contains("zmq_bind(nonsense://x) failed: ") == true)
    }

    @Test func routerMandatoryRefusesUnknownPeers() throws {
        let context = try ZeroMQContext()
        let router = try Socket(context: context, type: .router)
        var options = SocketOptions()
        options.routerMandatory = true
        try router.apply(options)
        try router.bind("inproc://mandatory")
        let error = #expect(throws: ZeroMQError.self) {
            try router.send(Message(strings: ["nobody", "hello"]), dontWait: true)
        }
        #expect(error?.isHostUnreachable == true)
    }

    @Test func frameBytesSurviveAZeroCopyRoundTrip() throws {
        let context = try ZeroMQContext()
        let a = try Socket(context: context, type: .pair)
        let b = try Socket(context: context, type: .pair)
        try a.bind("inproc://zero-copy")
        try b.connect("inproc://zero-copy")
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try a.send(Message([Frame(payload)]), dontWait: false)
        let received = try #require(try b.receive(dontWait: false))
        #expect(received.frames.count == 1)
        #expect(received.frames[0].bytes == payload)
        // A received frame can be forwarded without being copied out first.
        try b.send(received, dontWait: false)
        let echoed = try #require(try a.receive(dontWait: false))
        #expect(echoed.frames[0] == received.frames[0])
    }

    /// Small frames are copied into libzmq's message (inline up to 33 bytes), larger ones lent to
    /// it; every size either side of both limits arrives intact, over TCP, and forwards intact.
    @Test func framesOfEverySizeAroundTheCopyLimitsArriveIntact() throws {
        let context = try ZeroMQContext()
        let a = try Socket(context: context, type: .pair)
        let b = try Socket(context: context, type: .pair)
        try a.bind("tcp://127.0.0.1:*")
        try b.connect(try #require(a.lastEndpoint))
        let sizes = [0, 1, 32, 33, 34, 35, Frame.copiedBelow - 1, Frame.copiedBelow, Frame.copiedBelow + 1, 70_000]
        let payloads = sizes.map { size in (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ size) } }
        let frames = payloads.map { Frame($0) }
        for (frame, size) in zip(frames, sizes) {
            switch frame.storage {
            case .small: #expect(size < Frame.copiedBelow, "\(size) bytes copied")
            case .buffer: #expect(size >= Frame.copiedBelow, "\(size) bytes lent")
            case .received: Issue.record("a frame built from \(size) bytes is a received one")
            }
        }
        // Twice: the second send reuses the message on the stack after the first emptied it.
        for _ in 0..<2 { try a.send(Message(frames), dontWait: false) }
        for _ in 0..<2 {
            let received = try #require(try b.receive(dontWait: false))
            #expect(received.frames.map(\.bytes) == payloads)
            try b.send(received, dontWait: false)
            let echoed = try #require(try a.receive(dontWait: false))
            #expect(echoed.frames.map(\.bytes) == payloads)
        }
    }

    /// A message with more frames than the receiver keeps is read whole and dropped; the one
    /// behind it arrives intact, and one at the limit is kept.
    @Test func aMessageWithTooManyFramesIsDroppedAndTheNextOneArrives() throws {
        let context = try ZeroMQContext()
        let a = try Socket(context: context, type: .pair)
        let b = try Socket(context: context, type: .pair)
        var options = SocketOptions()
        options.maxFramesPerMessage = 4
        try options.apply(to: b)
        try a.bind("tcp://127.0.0.1:*")
        try b.connect(try #require(a.lastEndpoint))
        try a.send(Message(strings: ["1", "2", "3", "4", "5"]), dontWait: false)
        try a.send(Message(strings: ["6", "7", "8", "9"]), dontWait: false)
        let kept = try #require(try b.receive(dontWait: false))
        #expect(kept.frames.compactMap(\.string) == ["6", "7", "8", "9"])
        #expect(b.discardedMessages == 1)
        #expect(try b.receive(dontWait: true) == nil)
    }

    @Test func curveKeysAreZ85AndThePublicKeyDerivesFromTheSecret() throws {
        #expect(ZeroMQContext.has("curve"))
        let keys = try CurveKeyPair.generate()
        #expect(keys.publicKey.utf8.count == 40)
        #expect(keys.secretKey.utf8.count == 40)
        #expect(try CurveKeyPair.publicKey(forSecretKey: keys.secretKey) == keys.publicKey)
        #expect(throws: ZeroMQError.self) { try CurveKeyPair.publicKey(forSecretKey: "short") }
    }
}
