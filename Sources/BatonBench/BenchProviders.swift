import BatonModel
import BatonWorker
import Foundation
import Synchronization

/// Moments at which jobs reached their provider, or providers returned, in one process's clock.
final class Timeline: Sendable {
    private let marks = Mutex<[(String, ContinuousClock.Instant)]>([])

    func mark(_ label: String) {
        let now = ContinuousClock.now
        marks.withLock { $0.append((label, now)) }
    }

    func times(_ label: String) -> [ContinuousClock.Instant] {
        marks.withLock { $0.filter { $0.0 == label }.map(\.1) }
    }

    func reset() {
        marks.withLock { $0.removeAll() }
    }
}

/// Bench action types: a source that hands out one small file, a no-op, and a producer and a
/// consumer of a big artifact.
enum BenchTypes {
    static let tick = ActionTypeID(category: "Source", owner: "Custom", provider: "Tick", version: "1")
    static let noOp = ActionTypeID(category: "Test", owner: "Custom", provider: "NoOp", version: "1")
    static let makeBig = ActionTypeID(category: "Build", owner: "Custom", provider: "MakeBig", version: "1")
    static let useBig = ActionTypeID(category: "Test", owner: "Custom", provider: "UseBig", version: "1")
    /// The cycle's own versions of Tick and NoOp: its one-slot worker stays connected through
    /// the later scenarios, and must not take the throughput run's jobs as a third worker.
    static let cycleTick = ActionTypeID(category: "Source", owner: "Custom", provider: "Tick", version: "2")
    static let cycleNoOp = ActionTypeID(category: "Test", owner: "Custom", provider: "NoOp", version: "2")

    static var definitions: [ActionType] {
        [
            ActionType(id: tick, inputs: ArtifactDetails(0, 0), outputs: ArtifactDetails(1, 1)),
            ActionType(id: noOp, inputs: ArtifactDetails(0, 5), outputs: ArtifactDetails(0, 0)),
            ActionType(id: cycleTick, inputs: ArtifactDetails(0, 0), outputs: ArtifactDetails(1, 1)),
            ActionType(id: cycleNoOp, inputs: ArtifactDetails(0, 5), outputs: ArtifactDetails(0, 0)),
            ActionType(id: makeBig, inputs: ArtifactDetails(0, 5), outputs: ArtifactDetails(1, 1)),
            ActionType(id: useBig, inputs: ArtifactDetails(1, 1), outputs: ArtifactDetails(0, 0)),
        ]
    }
}

struct FileProvider: ActionProvider {
    let type: ActionTypeID
    let file: URL
    let timeline: Timeline
    var actionTypes: [ActionTypeID] { [type] }

    func run(_ job: JobContext) async throws -> ActionResult {
        timeline.mark("\(type.provider).returned")
        let name = job.data.outputArtifacts.first?.name ?? "Out"
        return .succeeded(ActionProducts(artifacts: [name: file]))
    }
}

struct MarkingProvider: ActionProvider {
    let type: ActionTypeID
    let timeline: Timeline
    var actionTypes: [ActionTypeID] { [type] }

    func run(_ job: JobContext) async throws -> ActionResult {
        timeline.mark("\(type.provider).started")
        return .succeeded(ActionProducts())
    }
}
