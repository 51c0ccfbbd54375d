import BatonTesting
import Foundation
import Logging
import Testing
@testable import ZeroMQ

@Suite(.timeLimit(.minutes(1))) struct SocketLoopTests {
    /// Runs a socket loop for the duration of `body`.
    func withLoop(_ body: @Sendable (SocketLoop) async throws -> Void) async throws {
        let loop = try SocketLoop(context: try ZeroMQContext(), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await loop.run() }
            defer { loop.stop() }
            try await body(loop)
        }
    }

    /// The loop's thread carries its name where the OS shows it (`top -H`, perf), cut to the 15
    /// bytes Linux keeps.
    @Test func theLoopsThreadIsNamedForTheOperatingSystem() async throws {
        let loop = try SocketLoop(context: try ZeroMQContext(), logger: Logger(label: "test"), name: "loop-name-test-123")
        // Read afresh each time: other tests' threads start and end meanwhile.
        func threadNames() -> [String] { processThreads().map(\.name) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await loop.run() }
            defer { loop.stop() }
            _ = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
            let deadline = ContinuousClock.now + .seconds(5)
            while !threadNames().contains("loop-name-test-"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(threadNames().contains("loop-name-test-"))
        }
    }

    @Test func routerAndDealerTalkOverTCPLoopback() async throws {
        try await withLoop { loop in
            let router = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
            let dealer = try await loop.open(SocketSpec(.dealer, connect: router.boundEndpoints))
            try await loop.send(Message(strings: ["JWP1", "ping"]), on: dealer.handle)

            let request = try await withTimeout(.seconds(10), "the request") {
                var iterator = router.inbound.makeAsyncIterator()
                return try #require(await iterator.next())
            }
            #expect(request.frames.count == 3)
            #expect(request.frames[1].string == "JWP1")
            #expect(request.frames[2].string == "ping")
            #expect(request.frames[1].metadata("Peer-Address") == "127.0.0.1")

            try await loop.send(Message([request.frames[0], Frame("pong")]), on: router.handle)
            let reply = try await withTimeout(.seconds(10), "the reply") {
                var iterator = dealer.inbound.makeAsyncIterator()
                return try #require(await iterator.next())
            }
            #expect(reply.frames.map(\.string) == ["pong"])
        }
    }

    @Test func manyMessagesArriveInOrderThroughSmallHighWaterMarks() async throws {
        try await withLoop { loop in
            // With queues of four messages, most sends hit EAGAIN and wait for the loop to see
            // libzmq's "writable again" signal, and the consumer parks and is woken many times.
            var options = SocketOptions()
            options.sendHighWaterMark = 4
            options.receiveHighWaterMark = 4
            let pull = try await loop.open(SocketSpec(.pair, options: options, bind: ["inproc://order"]))
            let push = try await loop.open(SocketSpec(.pair, options: options, connect: ["inproc://order"]))
            let count = 2_000
            for index in 0..<count {
                loop.post(Message(strings: ["\(index)"]), on: push.handle)
            }
            let received = try await withTimeout(.seconds(20), "\(count) messages") {
                var values: [Int] = []
                for await message in pull.inbound {
                    values.append(Int(message.frames[0].string ?? "") ?? -1)
                    if values.count == count { break }
                }
                return values
            }
            #expect(received == Array(0..<count))
        }
    }

    @Test func pingPongOverTCPLosesNoWakeUp() async throws {
        try await withLoop { loop in
            let router = try await loop.open(SocketSpec(.router, bind: ["tcp://127.0.0.1:*"]))
            let dealer = try await loop.open(SocketSpec(.dealer, connect: router.boundEndpoints))
            let rounds = 3_000
            // Each side parks between messages, so every round trip relies on ZMQ_FD's signal
            // reaching the loop after sends on other threads may have consumed earlier ones.
            let echoed = try await withTimeout(.seconds(30), "\(rounds) round trips") {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    group.addTask {
                        var served = 0
                        for await request in router.inbound {
                            loop.post(request, on: router.handle)
                            served += 1
                            if served == rounds { break }
                        }
                        return -1
                    }
                    group.addTask {
                        var iterator = dealer.inbound.makeAsyncIterator()
                        for round in 0..<rounds {
                            loop.post(Message(strings: ["\(round)"]), on: dealer.handle)
                            guard let reply = await iterator.next(), reply.frames.last?.string == "\(round)" else { return round }
                        }
                        return rounds
                    }
                    var results: [Int] = []
                    for try await result in group { results.append(result) }
                    return results.max() ?? 0
                }
            }
            #expect(echoed == rounds)
        }
    }

    @Test func aCancelledReceiveReturnsNilAndTheSocketStaysOpen() async throws {
        try await withLoop { loop in
            let a = try await loop.open(SocketSpec(.pair, bind: ["inproc://cancel"]))
            let b = try await loop.open(SocketSpec(.pair, connect: ["inproc://cancel"]))
            let parked = Task {
                var iterator = a.inbound.makeAsyncIterator()
                return await iterator.next()
            }
            try await Task.sleep(for: .milliseconds(50))
            parked.cancel()
            #expect(await parked.value == nil)
            try await loop.send(Message(strings: ["after"]), on: b.handle)
            let received = try await withTimeout(.seconds(10), "the message after cancellation") {
                var iterator = a.inbound.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(received?.frames.map(\.string) == ["after"])
        }
    }

    /// A consumer's task cancelled on one thread while its socket closes on another: the close
    /// resumes the consumer, the cancellation handler takes it back, and neither waits for the
    /// other. (Resuming under the socket's lock deadlocked against the task's own status lock,
    /// which a cancellation holds while its handler runs.)
    @Test func cancellingAConsumerWhileItsSocketClosesNeverDeadlocks() async throws {
        let context = try ZeroMQContext()
        for round in 0..<1_000 {
            let socket = try GuardedSocket(handle: SocketHandle(id: round), socket: try Socket(context: context, type: .pair), logger: Logger(label: "test"))
            let consumer = Task {
                var iterator = InboundMessages(socket: socket).makeAsyncIterator()
                return await iterator.next()
            }
            try await withTimeout(.seconds(10), "the consumer to park") {
                while socket.parkedCount == 0 { await Task.yield() }
            }
            // Two threads, released together: one closes, one cancels.
            let finished = try await withTimeout(.seconds(10), "close and cancel in round \(round) (a deadlock never ends)") {
                await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
                    let start = DispatchSemaphore(value: 0), both = DispatchGroup()
                    for closes in [true, false] {
                        both.enter()
                        Thread.detachNewThread {
                            start.wait()
                            if closes { socket.close() } else { consumer.cancel() }
                            both.leave()
                        }
                    }
                    start.signal()
                    start.signal()
                    both.notify(queue: .global()) { done.resume(returning: true) }
                }
            }
            #expect(finished)
            #expect(await consumer.value == nil)
        }
    }

    @Test func sendingToAnUnknownRouterPeerThrows() async throws {
        try await withLoop { loop in
            var options = SocketOptions()
            options.routerMandatory = true
            let router = try await loop.open(SocketSpec(.router, options: options, bind: ["tcp://127.0.0.1:*"]))
            await #expect(throws: ZeroMQError.self) {
                try await loop.send(Message(strings: ["ghost", "x"]), on: router.handle)
            }
        }
    }

    /// A ROUTER message dropped because its peer's queue is full is logged as a warning: the
    /// protocol recovers from it, but only after seconds, so it must not pass unseen.
    @Test func aMessageARouterDropsForAFullQueueIsAWarning() async throws {
        let log = LogRecorder()
        let loop = try SocketLoop(context: try ZeroMQContext(), logger: Logger(label: "test") { _ in log.handler(level: .warning) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await loop.run() }
            defer { loop.stop() }
            var routerOptions = SocketOptions()
            routerOptions.routerMandatory = true
            routerOptions.sendHighWaterMark = 1
            let router = try await loop.open(SocketSpec(.router, options: routerOptions, bind: ["tcp://127.0.0.1:*"]))
            var dealerOptions = SocketOptions()
            dealerOptions.receiveHighWaterMark = 1
            let dealer = try await loop.open(SocketSpec(.dealer, options: dealerOptions, connect: router.boundEndpoints))
            try await loop.send(Message(strings: ["hello"]), on: dealer.handle)
            let hello = try await withTimeout(.seconds(10), "the dealer's hello") {
                var iterator = router.inbound.makeAsyncIterator()
                return try #require(await iterator.next())
            }
            // The dealer never reads: its queue, the kernel's buffers and the router's queue fill.
            let big = Frame([UInt8](repeating: 1, count: 1 << 20))
            #expect(router.droppedMessages == 0)
            for _ in 0..<64 { loop.post(Message([hello.frames[0], big]), on: router.handle) }
            let warnings = log.messages.filter { $0 == "ZeroMQ dropped a message: the peer's queue is full" }.count
            #expect(warnings > 0)
            // Counted too, for the coordinator's metrics: one for each warning.
            #expect(router.droppedMessages == warnings)
        }
    }

    @Test func oversizedFramesDisconnectThePeerInsteadOfArriving() async throws {
        try await withLoop { loop in
            var options = SocketOptions()
            options.maxMessageSize = 1024
            let router = try await loop.open(SocketSpec(.router, options: options, bind: ["tcp://127.0.0.1:*"]))
            let big = try await loop.open(SocketSpec(.dealer, connect: router.boundEndpoints))
            try await loop.send(Message([Frame([UInt8](repeating: 7, count: 4096))]), on: big.handle)
            let small = try await loop.open(SocketSpec(.dealer, connect: router.boundEndpoints))
            try await loop.send(Message(strings: ["small"]), on: small.handle)
            let first = try await withTimeout(.seconds(10), "the small message") {
                var iterator = router.inbound.makeAsyncIterator()
                return try #require(await iterator.next())
            }
            #expect(first.frames.last?.string == "small")
        }
    }

    @Test func curveEncryptedPeersExchangeMessages() async throws {
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        try await withLoop { loop in
            var serverOptions = SocketOptions()
            serverOptions.curve = .server(secretKey: server.secretKey, zapDomain: nil)
            let router = try await loop.open(SocketSpec(.router, options: serverOptions, bind: ["tcp://127.0.0.1:*"]))
            var clientOptions = SocketOptions()
            clientOptions.curve = .client(keys: client, serverKey: server.publicKey)
            let dealer = try await loop.open(SocketSpec(.dealer, options: clientOptions, connect: router.boundEndpoints))
            try await loop.send(Message(strings: ["secret"]), on: dealer.handle)
            let received = try await withTimeout(.seconds(10), "the encrypted message") {
                var iterator = router.inbound.makeAsyncIterator()
                return try #require(await iterator.next())
            }
            #expect(received.frames.last?.string == "secret")
        }
    }

    @Test func publisherReachesSubscribersOfAMatchingPrefix() async throws {
        try await withLoop { loop in
            let publisher = try await loop.open(SocketSpec(.publisher, bind: ["tcp://127.0.0.1:*"]))
            var options = SocketOptions()
            options.subscriptions = [Array("exec/".utf8)]
            let subscriber = try await loop.open(SocketSpec(.subscriber, options: options, connect: publisher.boundEndpoints))
            // PUB drops messages until the subscription has travelled (the slow-joiner effect), so
            // publish until the first matching message arrives.
            let received = try await withTimeout(.seconds(10), "a published event") {
                try await withThrowingTaskGroup(of: Message?.self) { group in
                    group.addTask {
                        var iterator = subscriber.inbound.makeAsyncIterator()
                        return await iterator.next()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            loop.post(Message(strings: ["job/1", "ignored"]), on: publisher.handle)
                            loop.post(Message(strings: ["exec/1", "wanted"]), on: publisher.handle)
                            try await Task.sleep(for: .milliseconds(20))
                        }
                        return nil
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
            }
            #expect(received?.frames.map(\.string) == ["exec/1", "wanted"])
        }
    }

    @Test func stoppingTheLoopEndsRunAndRefusesFurtherWork() async throws {
        let loop = try SocketLoop(context: try ZeroMQContext(), logger: Logger(label: "test"))
        let socket = try await withThrowingTaskGroup(of: OpenedSocket?.self) { group in
            group.addTask { try await loop.run(); return nil }
            let socket = try await loop.open(SocketSpec(.pair, bind: ["inproc://stop"]))
            loop.stop()
            // Bounded by the suite's time limit.
            _ = try await group.next()
            return socket
        }
        await #expect(throws: SocketLoopError.self) {
            try await loop.send(Message(strings: ["late"]), on: socket.handle)
        }
        // The inbound sequence ends instead of hanging.
        var iterator = socket.inbound.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }
}
