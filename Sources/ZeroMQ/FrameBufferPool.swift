import Synchronization

/// Page-aligned blocks of one size, handed out as `FrameBuffer`s and taken back when libzmq (or
/// whoever holds the last frame) lets go of them.
///
/// Artifact chunks are a megabyte each, and a fresh allocation that size is a fresh `mmap`: every
/// page of every chunk faulted in and zeroed by the kernel before a byte of the file was read
/// into it, which was a third of the uploading worker's CPU (`docs/performance.md`). A transfer
/// keeps only its window of chunks in flight, so a few blocks, reused, cover it.
package final class FrameBufferPool: Sendable {
    package let blockSize: Int
    private let limit: Int
    private let idle: Mutex<[Block]>

    /// A block's address, passed between threads only through the pool's lock.
    private struct Block: @unchecked Sendable {
        let address: UnsafeMutableRawPointer
    }

    /// Keeps up to `keep` idle blocks; more in flight at once are allocated and freed as usual.
    package init(blockSize: Int, keep: Int) {
        self.blockSize = max(blockSize, 1)
        limit = max(keep, 0)
        idle = Mutex([])
    }

    deinit {
        idle.withLock { blocks in
            for block in blocks { block.address.deallocate() }
            blocks.removeAll()
        }
    }

    /// A buffer of `count` bytes, up to `blockSize`; a larger one is allocated outside the pool.
    package func buffer(count: Int) -> FrameBuffer {
        guard count <= blockSize else { return FrameBuffer(capacity: count) }
        let address = idle.withLock { $0.popLast()?.address }
            ?? UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: FrameBuffer.pageSize)
        return FrameBuffer(address: address, count: count, pool: self)
    }

    package var idleCount: Int { idle.withLock { $0.count } }

    func giveBack(_ address: UnsafeMutableRawPointer) {
        let kept = idle.withLock { blocks in
            guard blocks.count < limit else { return false }
            blocks.append(Block(address: address))
            return true
        }
        if !kept { address.deallocate() }
    }
}
