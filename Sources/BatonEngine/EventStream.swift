import BatonIdentifiers
import BatonModel
import Synchronization

/// The coordinator's stream of state-change events: numbered in order from 1, the newest kept in
/// memory so a subscriber that fell behind (or reconnects with its last number) catches up, and
/// handed to every live subscriber. Publishing never waits for a subscriber: one that does not
/// keep up within its buffer misses events and sees a gap in the numbers.
package final class EventStream: Sendable {
    package static let retained = 10_000
    package static let subscriberBuffer = 10_000

    /// Sees every event as it is published, in order, with the time of the step that made it.
    package typealias Observer = @Sendable (PipelineEvent, Timestamp) -> Void

    private struct State {
        var sequence: Int64 = 0
        var recent: [PipelineEvent] = []
        var start = 0
        var subscribers: [Int: AsyncStream<PipelineEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var observers: [Observer] = []
    }

    private let state = Mutex(State())
    private let account: String
    private let region: String
    private let identifiers = RandomIdentifiers()

    package init(account: String = "000000000000", region: String = "local") {
        self.account = account
        self.region = region
    }

    package var lastSequence: Int64 { state.withLock { $0.sequence } }

    /// Changes as events numbered `sequence`, without publishing them (a snapshot's).
    func stamp(_ changes: [StateChanges.Change], sequence: Int64, at time: Timestamp) -> [PipelineEvent] {
        changes.map { PipelineEvent(sequence: sequence, id: identifiers.uuid(), kind: $0.kind, time: time, account: account, region: region, detail: $0.detail) }
    }

    func publish(_ changes: [StateChanges.Change], at time: Timestamp) {
        guard !changes.isEmpty else { return }
        let timeText = PipelineEvent.iso8601(time)
        var resources: (pipeline: String, arns: [String])?
        state.withLock { state in
            for change in changes {
                state.sequence += 1
                // A step's changes are one execution's: one pipeline, named once.
                if resources?.pipeline != change.detail.pipeline {
                    resources = (change.detail.pipeline, [PipelineEvent.arn(of: change.detail.pipeline, account: account, region: region)])
                }
                let event = PipelineEvent(
                    sequence: state.sequence, id: identifiers.uuid(), kind: change.kind, time: timeText, account: account, region: region,
                    resources: resources?.arns ?? [], detail: change.detail)
                if state.recent.count < Self.retained {
                    state.recent.append(event)
                } else {
                    state.recent[state.start] = event
                    state.start = (state.start + 1) % Self.retained
                }
                for continuation in state.subscribers.values { continuation.yield(event) }
                for observer in state.observers { observer(event, time) }
            }
        }
    }

    /// Calls `observer` with every event from now on, on the publishing thread and before
    /// `publish` returns: bookkeeping (metrics) that must see every event without a subscriber's
    /// buffer and task hand-off per step. It must be quick, and must not call back into the stream.
    package func observe(_ observer: @escaping Observer) {
        state.withLock { $0.observers.append(observer) }
    }

    /// A subscription: the retained events after `after` (all retained ones when nil is not
    /// asked for, none when `after` is nil), then every new event. `missed` tells that events after
    /// `after` are no longer retained, so the subscriber should take a snapshot.
    package func subscribe(after: Int64?) -> (backlog: [PipelineEvent], missed: Bool, live: AsyncStream<PipelineEvent>) {
        let (stream, continuation) = AsyncStream<PipelineEvent>.makeStream(bufferingPolicy: .bufferingOldest(Self.subscriberBuffer))
        let (backlog, missed, id) = state.withLock { state -> ([PipelineEvent], Bool, Int) in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            guard let after else { return ([], false, id) }
            let ordered = Array(state.recent[state.start...] + state.recent[..<state.start])
            let oldest = ordered.first?.sequence ?? state.sequence + 1
            return (ordered.filter { $0.sequence > after }, after + 1 < oldest && after < state.sequence, id)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return (backlog, missed, stream)
    }
}
