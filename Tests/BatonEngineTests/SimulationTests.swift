import BatonModel
import BatonStore
import BatonTesting
import Foundation
import Testing
@testable import BatonEngine

/// A seeded random schedule of starts, results (some duplicated, some stale), stops, retries,
/// transition flips, pipeline updates and restarts (state reloaded from its persisted form),
/// with the engine's invariants checked after every step. A failing seed prints the command
/// that replays it.
@Suite struct SimulationTests {
    /// 10,000 seeds in 8 slices that run in parallel; BATON_SIM_SEED=N replays one seed.
    static let slices: [ClosedRange<UInt64>] = {
        if let text = ProcessInfo.processInfo.environment["BATON_SIM_SEED"], let seed = UInt64(text) { return [seed...seed] }
        var slices: [ClosedRange<UInt64>] = []
        for slice in UInt64(0)..<8 {
            let first: UInt64 = slice * 1250 + 1
            let last: UInt64 = (slice + 1) * 1250
            slices.append(first...last)
        }
        return slices
    }()

    @Test(arguments: slices)
    func tenThousandSeededSchedulesKeepEveryInvariant(_ seeds: ClosedRange<UInt64>) async throws {
        var failures: [String] = []
        for seed in seeds {
            var simulation = Simulation(seed: seed)
            if let failure = await simulation.run(steps: 60) {
                failures.append("seed \(seed): \(failure) — replay: BATON_SIM_SEED=\(seed) swift test --filter SimulationTests")
                if failures.count >= 5 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// A few schedules whose restarts reload state from a real SQLite store.
    @Test func restartsFromARealStoreKeepEveryInvariant() async throws {
        for seed in UInt64(1)...20 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-sim-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            var simulation = Simulation(seed: seed)
            let store = try Store(directory: directory)
            simulation.persist = { executions, jobs, runtime in
                let changes = executions.map(StoreChange.execution) + jobs.map(StoreChange.job) + [.runtime(pipeline: "sim", runtime)]
                try? await store.commit(changes)
            }
            simulation.reload = {
                let executions = (try? await store.executions(activeOnly: true)) ?? []
                let runtime = try? await store.runtimeStates()["sim"]
                return (executions, runtime ?? nil)
            }
            let failure = await simulation.run(steps: 60)
            #expect(failure == nil, "seed \(seed) with a real store: \(failure ?? "")")
        }
    }
}

struct Simulation {
    var random: SeededGenerator
    var pipeline: PipelineHarness
    var started: [ExecutionID] = []
    /// Every terminal status ever reported, to check nothing ends twice or comes back.
    var ended: [ExecutionID: PipelineExecutionStatus] = [:]
    /// Results already applied, to replay as duplicates.
    var applied: [(JobRecord, Bool)] = []
    var retried: Set<ExecutionID> = []
    var persist: ([PipelineExecution], [JobRecord], PipelineRuntimeState) async -> Void = { _, _, _ in }
    var reload: (() async -> ([PipelineExecution], PipelineRuntimeState?))?
    var effectsSeen = 0

    init(seed: UInt64) {
        random = SeededGenerator(state: seed)
        let modes: [ExecutionMode] = [.superseded, .queued, .parallel]
        let mode = modes[Int(random.next() % 3)]
        pipeline = PipelineHarness(stages: ["Build", "Test", "Deploy"], mode: mode, parallelBuild: random.next() % 2 == 0)
    }

    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))]
    }

    /// Runs the schedule; returns a description of the first broken invariant.
    mutating func run(steps: Int) async -> String? {
        for step in 0..<steps {
            if let failure = await act(step) { return "step \(step): \(failure)" }
            if let failure = check() { return "step \(step): \(failure)" }
        }
        // Drain: enable transitions and succeed every job until nothing is left running.
        for stage in pipeline.machine.declaration.stages.map(\.name) {
            try? pipeline.run { machine, time, id throws(EngineError) in
                let inbound = try machine.setTransition(stage: stage, type: .inbound, enabled: true, reason: nil, by: nil, at: time, newID: id)
                return inbound + (try machine.setTransition(stage: stage, type: .outbound, enabled: true, reason: nil, by: nil, at: time, newID: id))
            }
        }
        var rounds = 0
        while !pipeline.machine.active.isEmpty {
            rounds += 1
            if rounds > 500 { return "executions never finished: \(pipeline.machine.active.keys.map(\.rawValue))" }
            guard let job = pipeline.openJobs.values.sorted(by: { $0.id.rawValue < $1.id.rawValue }).first else {
                return "executions \(pipeline.machine.active.keys.map(\.rawValue)) are active with no job to run"
            }
            pipeline.succeed(job.executionID.rawValue, job.actionName)
            await recordEnds()
            if let failure = check() { return "drain: \(failure)" }
        }
        for id in started where ended[id] == nil && pipeline.machine.active[id] == nil {
            return "execution \(id) vanished without ending"
        }
        return nil
    }

    private mutating func act(_ step: Int) async -> String? {
        let roll = random.next() % 100
        switch roll {
        case 0..<20:
            let id = pipeline.start("x\(step)")
            started.append(id)
        case 20..<60:
            guard let job = pick(pipeline.openJobs.values.sorted { $0.id.rawValue < $1.id.rawValue }) else { break }
            let success = chance(80)
            if success { pipeline.succeed(job.executionID.rawValue, job.actionName) } else { pipeline.fail(job.executionID.rawValue, job.actionName) }
            applied.append((job, success))
        case 60..<68:
            // A duplicated or stale result: must change nothing.
            guard let (job, success) = pick(applied) else { break }
            let before = pipeline.machine.active.mapValues(\.execution)
            let time = pipeline.tick()
            var ids = IDs(next: pipeline.nextID)
            let effects = success
                ? pipeline.machine.actionSucceeded(job.executionID, stage: job.stageName, action: job.actionName, job: job.id, outputs: ActionOutputs(), at: time, newID: { ids.make() })
                : pipeline.machine.actionFailed(job.executionID, stage: job.stageName, action: job.actionName, job: job.id, failure: FailureDetails(type: .jobFailed, message: "again"), at: time, newID: { ids.make() })
            // A job id is never reused, so a replay can only be a no-op.
            if !effects.isEmpty || pipeline.machine.active.mapValues(\.execution) != before {
                return "a replayed result for job \(job.id) changed state"
            }
        case 68..<76:
            guard let id = pick(pipeline.machine.active.keys.sorted { $0.rawValue < $1.rawValue }) else { break }
            let abandon = chance(50)
            try? pipeline.run { machine, time, newID throws(EngineError) in try machine.stop(id, abandon: abandon, reason: "sim", at: time, newID: newID) }
        case 76..<84:
            let candidates = pipeline.records.values.filter { [.failed, .stopped].contains($0.status) && pipeline.machine.active[$0.id] == nil }
                .sorted { $0.id.rawValue < $1.id.rawValue }
            guard let execution = pick(candidates),
                  let stage = execution.stages.first(where: { $0.status == .failed || $0.status == .stopped })?.name else { break }
            let mode: ExecutionStateMachine.RetryMode = chance(50) ? .failedActions : .allActions
            do {
                try pipeline.run { machine, time, newID throws(EngineError) in try machine.retry(execution, stage: stage, mode: mode, at: time, newID: newID) }
                retried.insert(execution.id)
                ended[execution.id] = nil
            } catch {}
        case 84..<92:
            guard let stage = pick(pipeline.machine.declaration.stages.map(\.name)) else { break }
            let enabled = chance(60)
            let type: PipelineStateMachine.TransitionType = chance(50) ? .inbound : .outbound
            try? pipeline.run { machine, time, newID throws(EngineError) in
                try machine.setTransition(stage: stage, type: type, enabled: enabled, reason: "sim", by: nil, at: time, newID: newID)
            }
        case 92..<95:
            var declaration = pipeline.machine.declaration
            declaration.version = (declaration.version ?? 1) + 1
            try? pipeline.run { machine, time, newID throws(EngineError) in machine.update(to: declaration, at: time, newID: newID) }
        default:
            await restart()
        }
        await recordEnds()
        return nil
    }

    /// Rebuilds the state machine from the persisted records, as a restarted coordinator does.
    private mutating func restart() async {
        let executions: [PipelineExecution]
        let runtime: PipelineRuntimeState
        if let reload {
            let loaded = await reload()
            executions = loaded.0
            runtime = loaded.1 ?? PipelineRuntimeState()
        } else {
            // Round-trip through the stored (JSON) form.
            let decoder = JSONDecoder()
            let encoder = JSONEncoder()
            executions = pipeline.records.values.filter { !$0.status.isTerminal }.compactMap { record in
                (try? encoder.encode(record)).flatMap { try? decoder.decode(PipelineExecution.self, from: $0) }
            }
            runtime = (try? encoder.encode(pipeline.machine.runtime)).flatMap { try? decoder.decode(PipelineRuntimeState.self, from: $0) } ?? PipelineRuntimeState()
        }
        let declaration = pipeline.machine.declaration
        pipeline.machine = PipelineStateMachine(
            declaration: declaration, runtime: runtime,
            active: executions.map { ExecutionStateMachine(execution: $0, declaration: declaration) })
    }

    /// Notes executions that ended, and persists what changed.
    private mutating func recordEnds() async {
        if reload != nil {
            await persist(Array(pipeline.records.values), Array(pipeline.openJobs.values), pipeline.machine.runtime)
        }
        for case .executionFinished(let id, let status) in pipeline.effects[effectsSeen...] {
            if ended[id] == nil, pipeline.machine.active[id] == nil { ended[id] = status }
        }
        effectsSeen = pipeline.effects.count
    }

    private func check() -> String? {
        let machine = pipeline.machine
        // No execution both ended and active, unless a retry brought it back.
        for (id, status) in ended where machine.active[id] != nil && !retried.contains(id) {
            return "execution \(id) ended \(status.rawValue) but is active again"
        }
        for (id, status) in ended where status == .superseded && machine.active[id] != nil {
            return "superseded execution \(id) resumed"
        }
        // Who waits at each entrance, as the machine keeps it, is who the executions say waits.
        for index in machine.declaration.stages.indices {
            let scanned = machine.active.values.map(\.execution).filter { $0.waitingAt == index }
                .sorted { ($0.waitingOrder ?? 0, $0.id.rawValue) < ($1.waitingOrder ?? 0, $1.id.rawValue) }.map(\.id)
            if machine.inbound(at: index) != scanned {
                return "stage \(index): inbound \(machine.inbound(at: index).map(\.rawValue)), but waiting \(scanned.map(\.rawValue))"
            }
        }
        guard machine.mode != .parallel else { return nil }
        // At most one execution inside each locked stage.
        for index in machine.declaration.stages.indices {
            let inside = machine.active.values.filter { $0.currentStage == index }
            if inside.count > 1 { return "stage \(index) holds \(inside.map(\.execution.id.rawValue))" }
        }
        if machine.mode == .superseded {
            for index in machine.declaration.stages.indices where machine.inbound(at: index).count > 1 {
                return "SUPERSEDED stage \(index) has \(machine.inbound(at: index).count) inbound executions"
            }
        }
        if machine.mode == .queued {
            // No overtaking: of two active executions, the one started first is never behind.
            func position(_ execution: PipelineExecution) -> Double {
                if let stage = execution.stages.firstIndex(where: { $0.status == .inProgress || $0.status == .stopping }) { return Double(stage) }
                return Double(execution.waitingAt ?? 0) - 0.5
            }
            let running = machine.active.values.map(\.execution).filter { !retried.contains($0.id) }.sorted { $0.startTime < $1.startTime }
            for (earlier, later) in zip(running, running.dropFirst()) where position(earlier) < position(later) {
                return "QUEUED execution \(later.id) overtook \(earlier.id)"
            }
        }
        return nil
    }
}
