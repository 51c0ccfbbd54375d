import Testing
@testable import ZeroMQ

@Suite struct FrameBufferPoolTests {
    @Test func aReleasedBufferIsReusedForTheNext() {
        let pool = FrameBufferPool(blockSize: 1 << 20, keep: 4)
        var first: FrameBuffer? = pool.buffer(count: 1000)
        let address = first?.baseAddress
        #expect(first?.count == 1000)
        #expect(pool.idleCount == 0)
        first = nil
        #expect(pool.idleCount == 1)
        let second = pool.buffer(count: 1 << 20)
        #expect(second.baseAddress == address)
        #expect(second.count == 1 << 20)
        #expect(pool.idleCount == 0)
    }

    @Test func thePoolKeepsNoMoreThanItsLimit() {
        let pool = FrameBufferPool(blockSize: 4096, keep: 2)
        var buffers = (0..<5).map { _ in pool.buffer(count: 4096) }
        #expect(Set(buffers.map(\.baseAddress)).count == 5)
        buffers.removeAll()
        #expect(pool.idleCount == 2)
    }

    @Test func aBufferLargerThanABlockIsNotPooled() {
        let pool = FrameBufferPool(blockSize: 4096, keep: 2)
        var large: FrameBuffer? = pool.buffer(count: 4097)
        #expect(large?.count == 4097)
        large = nil
        #expect(pool.idleCount == 0)
    }

    @Test func aSentBlockComesBackOnlyWhenTheReceiverLetsGo() throws {
        let context = try ZeroMQContext()
        let a = try Socket(context: context, type: .pair)
        let b = try Socket(context: context, type: .pair)
        try a.bind("inproc://pool")
        try b.connect("inproc://pool")
        let pool = FrameBufferPool(blockSize: 64 << 10, keep: 2)
        // The frame is built in a closure so that the sent message holds the only reference.
        let frame = { () -> Frame in
            let buffer = pool.buffer(count: 64 << 10)
            buffer.withUnsafeMutableBytes { bytes in
                for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 7) }
            }
            return Frame(buffer: buffer)
        }
        try a.send(Message([frame()]), dontWait: false)
        var received = try b.receive(dontWait: false)
        // inproc hands the same bytes over: the block is in use until the received frame goes.
        #expect(pool.idleCount == 0)
        let intact = received?.frames.first?.withUnsafeBytes { bytes in
            bytes.indices.allSatisfy { bytes[$0] == UInt8(truncatingIfNeeded: $0 &* 7) }
        }
        #expect(intact == true)
        received = nil
        #expect(pool.idleCount == 1)
    }
}
