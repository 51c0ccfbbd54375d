import BatonEngine
import BatonHTTP
import BatonModel
import BatonStore
import Prometheus
import Synchronization
import ZeroMQ

/// The coordinator's Prometheus metrics, in a registry of its own (no process-wide state):
/// counters and histograms are updated as things happen, gauges are read at scrape time.
final class CoordinatorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Job ready (queued) → JOB sent to a worker, or handed to an HTTP poller.
    let dispatchLatency: DurationHistogram
    let artifactBytesIn: Counter
    let artifactBytesOut: Counter
    /// Action executions started and not yet ended, with their start times; and one duration
    /// histogram per action type and end state, made on first use.
    private let actions = Mutex(ActionTimes())

    private struct ActionTimes {
        var started: [String: Timestamp] = [:]
        var durations: [Ending: DurationHistogram] = [:]
    }

    /// An action type and the state its executions ended in: one histogram's labels.
    private struct Ending: Hashable {
        let category: String
        let provider: String
        let state: String
    }

    /// Bytes that HTTP job workers moved through the artifact bucket.
    func countBucketBytes(_ flow: ArtifactBucket.Flow, _ bytes: Int64) {
        switch flow {
        case .intoStore: artifactBytesIn.increment(by: bytes)
        case .outOfStore: artifactBytesOut.increment(by: bytes)
        }
    }

    init(sockets: [(name: String, socket: OpenedSocket)]) {
        self.sockets = sockets
        dispatchLatency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "baton", metricName: "dispatch_latency", unitName: "seconds",
                                             helpText: "Time from a job becoming ready to its dispatch to a worker"),
            labels: [],
            buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
                      .milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1), .seconds(10), .seconds(60)])
        let bytes = MetricNameDescriptor(namespace: "baton", metricName: "artifact", unitName: "bytes_total",
                                         helpText: "Artifact bytes moved through the coordinator's store, by direction")
        artifactBytesIn = registry.makeCounter(descriptor: bytes, labels: [("direction", "in")])
        artifactBytesOut = registry.makeCounter(descriptor: bytes, labels: [("direction", "out")])
    }

    /// Times actions from their STARTED event to the event that ends them, by the times of the
    /// steps that made them (the engine's clock, not when an observer got round to them).
    func observe(_ events: EventStream) {
        events.observe { [self] event, time in record(event, at: time) }
    }

    private func record(_ event: PipelineEvent, at time: Timestamp) {
        guard event.kind == .action, let id = event.detail.actionExecutionId else { return }
        let detail = event.detail
        actions.withLock { actions in
            if detail.state == "STARTED" {
                actions.started[id] = time
                return
            }
            guard let started = actions.started.removeValue(forKey: id) else { return }
            let ending = Ending(category: detail.type?.category ?? "", provider: detail.type?.provider ?? "", state: detail.state)
            let histogram = actions.durations[ending] ?? registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "baton", metricName: "action_duration", unitName: "seconds",
                                                 helpText: "Action executions from start to end, by action type and result"),
                labels: [("category", ending.category), ("provider", ending.provider), ("state", ending.state)],
                buckets: [.milliseconds(10), .milliseconds(100), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900), .seconds(3600)])
            actions.durations[ending] = histogram
            histogram.record(.seconds(max(0, time.seconds(since: started))))
        }
    }

    /// The ROUTER sockets whose dropped messages are counted, by name.
    private let sockets: [(name: String, socket: OpenedSocket)]
    /// Messages each of them dropped for a full peer queue, as last scraped.
    private let droppedScraped = Mutex<[String: Int]>([:])

    /// The exposition text, with gauges and the sockets' drop counters brought up to date first.
    func scrape(store: Store, broker: JobBroker) async -> [UInt8] {
        droppedScraped.withLock { scraped in
            for (name, socket) in sockets {
                let total = socket.droppedMessages
                let counter = registry.makeCounter(
                    descriptor: MetricNameDescriptor(namespace: "baton", metricName: "zeromq_dropped_messages", unitName: "total",
                                                     helpText: "Messages a ZeroMQ ROUTER dropped because the peer's queue was full, by socket"),
                    labels: [("socket", name)])
                counter.increment(by: Int64(max(0, total - scraped[name, default: 0])))
                scraped[name] = total
            }
        }
        let executions = MetricNameDescriptor(namespace: "baton", metricName: "executions", unitName: "",
                                              helpText: "Pipeline executions in the store, by pipeline and status")
        for count in (try? await store.executionCounts()) ?? [] {
            registry.makeGauge(descriptor: executions, labels: [("pipeline", count.pipeline), ("status", count.status)]).set(to: Double(count.count))
        }
        let statistics = await broker.statistics()
        gauge("queue_depth", "", "Jobs waiting for a worker").set(to: Double(statistics.queued))
        gauge("jobs_dispatched", "", "Jobs on workers (dispatched, not yet finished)").set(to: Double(statistics.dispatched))
        gauge("workers_connected", "", "ZeroMQ workers connected").set(to: Double(statistics.workers))
        gauge("worker_slots", "", "Slots of the connected workers").set(to: Double(statistics.slots))
        return registry.emitToBuffer()
    }

    private func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "baton", metricName: name, unitName: unit, helpText: help), labels: [])
    }
}
