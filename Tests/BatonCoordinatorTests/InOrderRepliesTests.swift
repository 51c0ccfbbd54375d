import Foundation
import Synchronization
import Testing
import ZeroMQ
@testable import BatonCoordinator

@Suite struct InOrderRepliesTests {
    private final class Posted: Sendable {
        let turns = Mutex<[String]>([])
        func append(_ message: Message) { turns.withLock { $0.append(message.frames.first?.string ?? "?") } }
        var all: [String] { turns.withLock { $0 } }
    }

    @Test func aReplyWaitsForEveryEarlierTurn() {
        let posted = Posted()
        let replies = InOrderReplies { posted.append($0) }
        replies.send(Message(strings: ["2"]), turn: 2)
        #expect(posted.all.isEmpty)
        replies.send(Message(strings: ["0"]), turn: 0)
        #expect(posted.all == ["0"])
        replies.send(Message(strings: ["3"]), turn: 3)
        replies.send(Message(strings: ["1"]), turn: 1)
        #expect(posted.all == ["0", "1", "2", "3"])
    }

    @Test func repliesFromManyThreadsGoOutInTurnOrder() async {
        let posted = Posted()
        let replies = InOrderReplies { posted.append($0) }
        let turns = Array(0..<1_000).shuffled()
        await withTaskGroup(of: Void.self) { group in
            for slice in 0..<4 {
                group.addTask {
                    for turn in turns[(slice * 250)..<((slice + 1) * 250)] {
                        replies.send(Message(strings: ["\(turn)"]), turn: turn)
                    }
                }
            }
        }
        #expect(posted.all == (0..<1_000).map { "\($0)" })
    }
}
