import BatonAPI
import BatonModel
import BatonWorker
import Foundation

/// The three measured runs, on one cluster.
final class Scenarios {
    let cluster: BenchCluster
    let timeline: Timeline
    private(set) var lastThroughputActions = 0
    private(set) var lastThroughputSeconds = 0.0
    /// When the clients' last start returned, from the first start: about the run's length when
    /// they, not the coordinator, pace it.
    private(set) var lastThroughputStartsSeconds = 0.0
    /// What the throughput scenario cost the whole process (coordinator, workers and the bench's
    /// own HTTP client) per action: CPU time in ms and context switches. On a shared VM these
    /// vary far less than actions/s, so they show a change that wall time hides.
    private(set) var lastThroughputCost = (cpuMilliseconds: 0.0, contextSwitches: 0.0)
    private var sourceFile: URL?

    init(cluster: BenchCluster, timeline: Timeline) {
        self.cluster = cluster
        self.timeline = timeline
    }

    /// A tiny file every Tick source hands out (the same bytes, so it is uploaded once).
    private func tickFile() throws -> URL {
        if let sourceFile { return sourceFile }
        let file = cluster.root.appendingPathComponent("tick.txt")
        try Data("tick\n".utf8).write(to: file)
        sourceFile = file
        return file
    }

    private func source(_ type: ActionTypeID = BenchTypes.tick) -> StageDeclaration {
        StageDeclaration(name: "Source", actions: [
            ActionDeclaration(name: "Tick", actionTypeId: type, outputArtifacts: [OutputArtifact(name: "Src")]),
        ])
    }

    /// One worker with one slot; a pipeline of a source and 10 no-ops one after another, run
    /// `executions` times in a row. Returns the time from one no-op job reaching the worker to
    /// the next one reaching it, within an execution.
    func cycle(executions: Int) async throws -> Percentiles {
        try cluster.startWorker("cycler", slots: 1, providers: [
            FileProvider(type: BenchTypes.cycleTick, file: try tickFile(), timeline: timeline),
            MarkingProvider(type: BenchTypes.cycleNoOp, timeline: timeline),
        ])
        let stages = [
            StageDeclaration(name: "Chain", actions: (1...10).map { (index: Int) in
                ActionDeclaration(name: "NoOp\(index)", actionTypeId: BenchTypes.cycleNoOp, runOrder: index)
            }),
        ]
        try await cluster.create(PipelineDeclaration(name: "cycle", stages: [source(BenchTypes.cycleTick)] + stages))
        var samples: [Double] = []
        for _ in 1...executions {
            timeline.reset()
            let id = try await cluster.start("cycle")
            // Polled rarely: a request every few cycles would be part of what the cycle measures.
            try await cluster.waitForExecutions([("cycle", id)], every: .milliseconds(100))
            let starts = timeline.times("NoOp.started")
            samples += zip(starts, starts.dropFirst()).map { ($1 - $0).milliseconds }
        }
        return Percentiles(samples)
    }

    /// Two more workers, 32 slots each; `pipelines` PARALLEL pipelines of a source and `fanOut`
    /// parallel no-ops, `executionsEach` executions of each started at once by
    /// `clientsPerPipeline` clients of each pipeline's own (until session 12 one client started
    /// them all, one after another; until session 17 one client a pipeline).
    func throughput(pipelines: Int, executionsEach: Int, fanOut: Int, clientsPerPipeline: Int) async throws -> Double {
        for id in ["worker-1", "worker-2"] {
            try cluster.startWorker(id, slots: 32, providers: [
                FileProvider(type: BenchTypes.tick, file: try tickFile(), timeline: timeline),
                MarkingProvider(type: BenchTypes.noOp, timeline: timeline),
            ])
        }
        let names = (1...pipelines).map { "fan-\($0)" }
        for name in names {
            var pipeline = PipelineDeclaration(name: name, stages: [
                source(),
                StageDeclaration(name: "Fan", actions: (1...fanOut).map { (index: Int) in ActionDeclaration(name: "NoOp\(index)", actionTypeId: BenchTypes.noOp) }),
            ], executionMode: .parallel)
            pipeline.pipelineType = "V2"
            try await cluster.create(pipeline)
        }
        let start = Date().timeIntervalSince1970
        let before = ProcessUsage.now()
        let endpoint = cluster.client.endpoint
        // Each pipeline's trigger sources are clients of their own: a connection each, starting
        // its share of that pipeline's executions one after another. Each start waits for its
        // durable commit, so one client a pipeline paces the run by that round trip: its last
        // start returned as the last execution ended, with the cores idle about 8 % of the time.
        // Four (the default) keep executions waiting until well before the end, so the run
        // measures the coordinator and workers, not the clients' turns (performance-history.md, session 17).
        let started = try await withThrowingTaskGroup(of: [(pipeline: String, id: String)].self) { group in
            for name in names {
                for client in 0..<clientsPerPipeline {
                    group.addTask {
                        try await APIConnection.with(endpoint) { connection in
                            var ids: [(pipeline: String, id: String)] = []
                            for _ in stride(from: client, to: executionsEach, by: clientsPerPipeline) { ids.append((name, try await connection.start(name))) }
                            return ids
                        }
                    }
                }
            }
            var all: [(pipeline: String, id: String)] = []
            for try await ids in group { all += ids }
            return all
        }
        lastThroughputStartsSeconds = Date().timeIntervalSince1970 - start
        let after = try await APIConnection.with(endpoint) { connection in
            // Newest first, every 250 ms: the newest end last, so by the time the newest has ended
            // the rest answer at once, and the checks do not compete with the run. The end is the
            // last execution's own end time, as the coordinator recorded it, so how often this
            // asks does not change what is measured. CPU is counted up to the wait that saw the
            // last end, not over the checks of executions that had already ended (one
            // GetPipelineExecution each, about 6 % of the run's CPU at 600 executions a pipeline).
            var after = ProcessUsage.now()
            for (pipeline, id) in started.reversed() where try await !connection.hasEnded(id, of: pipeline) {
                repeat { try await Task.sleep(for: .milliseconds(250)) } while try await !connection.hasEnded(id, of: pipeline)
                after = ProcessUsage.now()
            }
            return after
        }
        let end = try await cluster.lastEnd(of: started)
        lastThroughputSeconds = end - start
        lastThroughputActions = pipelines * executionsEach * (1 + fanOut)
        let actions = Double(lastThroughputActions)
        lastThroughputCost = ((after.cpuSeconds - before.cpuSeconds) * 1000 / actions, Double(after.contextSwitches - before.contextSwitches) / actions)
        return Double(lastThroughputActions) / lastThroughputSeconds
    }

    /// One worker makes a `megabytes` MiB artifact, another consumes it: the hop is upload,
    /// commit, dispatch and download, each end hashing and verifying.
    func artifactTransfer(megabytes: Int) async throws -> (perTransfer: Double, hopSeconds: Double) {
        let big = cluster.root.appendingPathComponent("big.bin")
        try Self.writeRandomFile(big, megabytes: megabytes)
        try cluster.startWorker("maker", slots: 1, providers: [
            FileProvider(type: BenchTypes.makeBig, file: big, timeline: timeline),
            FileProvider(type: BenchTypes.tick, file: try tickFile(), timeline: timeline),
        ])
        try cluster.startWorker("user", slots: 1, providers: [MarkingProvider(type: BenchTypes.useBig, timeline: timeline)])
        try await cluster.create(PipelineDeclaration(name: "bulk", stages: [
            source(),
            StageDeclaration(name: "Make", actions: [
                ActionDeclaration(name: "Make", actionTypeId: BenchTypes.makeBig, inputArtifacts: ["Src"], outputArtifacts: [OutputArtifact(name: "Big")]),
            ]),
            StageDeclaration(name: "Use", actions: [ActionDeclaration(name: "Use", actionTypeId: BenchTypes.useBig, inputArtifacts: ["Big"])]),
        ]))
        timeline.reset()
        let id = try await cluster.start("bulk")
        try await cluster.waitForExecutions([("bulk", id)])
        guard let made = timeline.times("MakeBig.returned").first, let used = timeline.times("UseBig.started").first else {
            throw BenchError("the artifact scenario left no timings")
        }
        let hop = (used - made).seconds
        return (Double(2 * megabytes) / hop, hop)
    }

    static func writeRandomFile(_ url: URL, megabytes: Int) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        // SplitMix64, seeded once from the system: the bytes only need to be incompressible and
        // different each run, and one getrandom call per word cost seconds per run.
        var state = UInt64.random(in: .min ... .max)
        var words = [UInt64](repeating: 0, count: (1 << 20) / 8)
        for _ in 0..<megabytes {
            for index in words.indices {
                state &+= 0x9E37_79B9_7F4A_7C15
                var mixed = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
                mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
                words[index] = mixed ^ (mixed >> 31)
            }
            try words.withUnsafeBytes { try handle.write(contentsOf: $0) }
        }
    }
}
