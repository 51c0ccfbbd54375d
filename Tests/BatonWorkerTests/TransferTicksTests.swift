import BatonModel
@testable import BatonWorker
import Testing

/// The watchdog ticks of transfers in flight, served by the worker's reply alarm: each transfer
/// is ticked once its time comes, then every interval after, and never once removed.
@Suite struct TransferTicksTests {
    static let slow = ArtifactDigest(hex: String(repeating: "5", count: 64))!
    static let same = ArtifactDigest(hex: String(repeating: "a", count: 64))!

    private func ticks(in stream: AsyncStream<Worker.ArtifactReply>, continuation: AsyncStream<Worker.ArtifactReply>.Continuation) async -> Int {
        continuation.finish()
        var count = 0
        for await reply in stream {
            if case .tick = reply { count += 1 }
        }
        return count
    }

    @Test func eachTransferIsTickedWhenItsTimeComesAndTheNextTickIsNamed() async {
        let start = ContinuousClock.now
        var ticks = TransferTicks()
        let (fast, fastContinuation) = AsyncStream<Worker.ArtifactReply>.makeStream()
        let (slow, slowContinuation) = AsyncStream<Worker.ArtifactReply>.makeStream()
        let (gone, goneContinuation) = AsyncStream<Worker.ArtifactReply>.makeStream()
        ticks.add(.upload(id: "fast"), fastContinuation, every: .seconds(1), first: start + .seconds(1))
        ticks.add(.download(Self.slow), slowContinuation, every: .seconds(5), first: start + .seconds(5))
        ticks.add(.upload(id: "gone"), goneContinuation, every: .seconds(1), first: start + .seconds(1))
        ticks.remove(.upload(id: "gone"))

        #expect(ticks.fire(at: start) == start + .seconds(1), "nothing due yet; the first tick is named")
        #expect(ticks.fire(at: start + .milliseconds(1_500)) == start + .milliseconds(2_500), "fast ticked, its next a second on")
        #expect(ticks.fire(at: start + .seconds(3)) == start + .seconds(4))
        #expect(ticks.fire(at: start + .seconds(6)) == start + .seconds(7), "both ticked; fast comes first again")
        ticks.remove(.upload(id: "fast"))
        ticks.remove(.download(Self.slow))
        #expect(ticks.fire(at: start + .seconds(20)) == nil, "no transfer, no tick to come")

        #expect(await self.ticks(in: fast, continuation: fastContinuation) == 3)
        #expect(await self.ticks(in: slow, continuation: slowContinuation) == 1)
        #expect(await self.ticks(in: gone, continuation: goneContinuation) == 0)
    }

    @Test func anUploadAndADownloadNamedAlikeAreTwoTransfers() async {
        let start = ContinuousClock.now
        var ticks = TransferTicks()
        let (upload, uploadContinuation) = AsyncStream<Worker.ArtifactReply>.makeStream()
        let (download, downloadContinuation) = AsyncStream<Worker.ArtifactReply>.makeStream()
        ticks.add(.upload(id: Self.same.hex), uploadContinuation, every: .seconds(1), first: start)
        ticks.add(.download(Self.same), downloadContinuation, every: .seconds(1), first: start)
        _ = ticks.fire(at: start)
        #expect(await self.ticks(in: upload, continuation: uploadContinuation) == 1)
        #expect(await self.ticks(in: download, continuation: downloadContinuation) == 1)
    }
}
