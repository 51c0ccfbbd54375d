import BatonModel
import BatonStore
@testable import BatonEngine

/// Drives a `PipelineStateMachine` in tests: deterministic ids and time, and the jobs it has
/// dispatched so far, by execution and action.
struct PipelineHarness {
    static let source = ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1")

    var machine: PipelineStateMachine
    var nextID = 0
    var clock = Timestamp(secondsSince1970: 1000)
    var openJobs: [JobID: JobRecord] = [:]
    var effects: [EngineEffect] = []
    var records: [String: PipelineExecution] = [:]

    /// Stages `Source`, then each of `stages` with one Commands action named after it; `Build`
    /// gets a second action `BuildB` in parallel when `parallelBuild` is set.
    init(stages: [String] = ["Build", "Deploy"], mode: ExecutionMode = .superseded, parallelBuild: Bool = false) {
        var declaration = PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(name: "Source", actionTypeId: Self.source, configuration: ["S3Bucket": "b", "S3ObjectKey": "k"],
                                  outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
        ] + stages.map { name in
            var actions = [ActionDeclaration(name: name, actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Src"])]
            if parallelBuild && name == "Build" {
                actions.append(ActionDeclaration(name: "BuildB", actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Src"]))
            }
            return StageDeclaration(name: name, actions: actions)
        })
        declaration.executionMode = mode
        declaration.pipelineType = mode == .superseded ? nil : "V2"
        declaration.version = 1
        machine = PipelineStateMachine(declaration: declaration)
    }

    init(declaration: PipelineDeclaration) {
        var declaration = declaration
        declaration.version = 1
        machine = PipelineStateMachine(declaration: declaration)
    }

    mutating func id() -> String {
        nextID += 1
        return "id-\(nextID)"
    }

    mutating func tick() -> Timestamp {
        clock = clock.adding(seconds: 1)
        return clock
    }

    private mutating func absorb(_ new: [EngineEffect]) {
        effects += new
        for effect in new {
            switch effect {
            case .dispatch(let job): openJobs[job.id] = job
            case .cancelJob(let id): openJobs[id] = nil
            case .executionFinished, .armTimer, .rollback, .approvalPending: break
            }
        }
        for execution in machine.takeChanges().executions { records[execution.id.rawValue] = execution }
    }

    @discardableResult
    mutating func start(_ name: String) -> ExecutionID {
        let time = tick()
        let execution = PipelineExecution(
            id: ExecutionID(rawValue: name), pipeline: machine.declaration, version: 1, trigger: .startPipelineExecution, at: time)
        var ids = IDs(next: nextID)
        let result = machine.start(execution, at: time, newID: { ids.make() })
        nextID = ids.next
        absorb(result)
        return execution.id
    }

    func job(_ execution: String, _ action: String) -> JobRecord? {
        openJobs.values.first { $0.executionID.rawValue == execution && $0.actionName == action }
    }

    /// Completes the open job of `action` in `execution`.
    mutating func succeed(_ execution: String, _ action: String, outputs: ActionOutputs? = nil) {
        guard let job = job(execution, action) else { return }
        openJobs[job.id] = nil
        let time = tick()
        let produced = outputs ?? ActionOutputs(artifacts: action == "Source" ? [ArtifactReference(name: "Src", digest: ArtifactDigest(hex: String(repeating: "ab", count: 32))!, size: 1)] : [])
        var ids = IDs(next: nextID)
        let result = machine.actionSucceeded(job.executionID, stage: job.stageName, action: job.actionName, job: job.id, outputs: produced, at: time, newID: { ids.make() })
        nextID = ids.next
        absorb(result)
    }

    mutating func fail(_ execution: String, _ action: String) {
        guard let job = job(execution, action) else { return }
        openJobs[job.id] = nil
        let time = tick()
        var ids = IDs(next: nextID)
        let result = machine.actionFailed(job.executionID, stage: job.stageName, action: job.actionName, job: job.id,
                                          failure: FailureDetails(type: .jobFailed, message: "boom"), at: time, newID: { ids.make() })
        nextID = ids.next
        absorb(result)
    }

    mutating func run(_ body: (inout PipelineStateMachine, Timestamp, () -> String) throws(EngineError) -> [EngineEffect]) throws(EngineError) {
        let time = tick()
        var ids = IDs(next: nextID)
        let result = try body(&machine, time) { ids.make() }
        nextID = ids.next
        absorb(result)
    }

    func status(_ execution: String) -> PipelineExecutionStatus? {
        machine.active[ExecutionID(rawValue: execution)]?.execution.status ?? finished[execution]
    }

    /// Terminal statuses reported so far.
    var finished: [String: PipelineExecutionStatus] {
        var result: [String: PipelineExecutionStatus] = [:]
        for case .executionFinished(let id, let status) in effects { result[id.rawValue] = status }
        return result
    }

    /// Stage index each active execution is inside.
    func stage(of execution: String) -> Int? {
        machine.active[ExecutionID(rawValue: execution)]?.currentStage
    }

    func waiting(_ execution: String) -> Int? {
        machine.active[ExecutionID(rawValue: execution)]?.execution.waitingAt
    }
}

struct IDs {
    var next: Int
    mutating func make() -> String {
        next += 1
        return "id-\(next)"
    }
}
