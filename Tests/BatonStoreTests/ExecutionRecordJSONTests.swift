import BatonJSON
import BatonModel
import BatonTesting
import Foundation
import Testing
@testable import BatonStore

/// The execution record written by hand is the bytes `StreamingJSONEncoder` gives for the same
/// execution: with every property set, with none, and at random; and it reads back as the
/// execution.
@Suite struct ExecutionRecordJSONTests {
    private static let t0 = Timestamp(secondsSince1970: 1_795_817_702.25)

    private static func reference(_ name: String) -> ArtifactReference {
        ArtifactReference(name: name, digest: ArtifactDigest(hex: String(repeating: "ab", count: 32))!, size: 42, revision: "r-1")
    }

    /// An action with every property set.
    private static func fullAction(_ name: String) -> ActionExecution {
        var action = ActionExecution(name: name)
        action.actionExecutionId = ActionExecutionID(rawValue: "a-\(name)")
        action.status = .failed
        action.jobID = JobID(rawValue: "j-\(name)")
        action.summary = "it \"broke\"\n"
        action.errorDetails = FailureDetails(type: .jobFailed, message: "exit 2", externalExecutionId: "x-1", log: reference("log"))
        action.externalExecutionId = "x-1"
        action.outputArtifacts = [reference("Out")]
        action.outputVariables = ["VERSION": "1.2"]
        action.startTime = t0
        action.lastUpdateTime = t0.adding(seconds: 1)
        action.token = "tok"
        action.deadline = t0.adding(seconds: 3600)
        action.lastUpdatedBy = "alice"
        action.percentComplete = 40
        action.logArtifact = reference("log")
        return action
    }

    /// An execution with every property of it, its stages and their actions set.
    private static func fullExecution() -> PipelineExecution {
        let declaration = PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [ActionDeclaration(name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"))]),
            StageDeclaration(name: "Fan", actions: (1...3).map { ActionDeclaration(name: "A\($0)", actionTypeId: .commands, commands: ["true"]) }),
        ])
        var execution = PipelineExecution(
            id: ExecutionID(rawValue: "e-1"), pipeline: declaration, version: 3, trigger: ExecutionTrigger(triggerType: "Webhook", triggerDetail: "push"),
            variables: ["REGION": "eu"], at: t0)
        execution.statusSummary = "on its way"
        execution.artifacts = ["Src": reference("Src")]
        execution.waitingAt = 1
        execution.waitingOrder = 7
        execution.stopReason = "because"
        execution.clientRequestToken = "token-1"
        execution.abandonRequested = true
        execution.cancelOnStop = true
        execution.rollbackTarget = ExecutionID(rawValue: "e-0")
        execution.sourceRevisions = ["Fetch": "v9"]
        for index in execution.stages.indices {
            execution.stages[index].status = .inProgress
            execution.stages[index].actions = execution.stages[index].actions.map { fullAction($0.name) }
            execution.stages[index].manualRetryAttempts = 1
            execution.stages[index].autoRetryAttempts = 2
            execution.stages[index].conditions = ["beforeEntry": ConditionRecord(status: "Succeeded", summary: "ok", lastStatusChange: t0)]
            var rule = RuleJob(jobID: JobID(rawValue: "j-rule"))
            rule.outcome = "Succeeded"
            rule.message = "fine"
            execution.stages[index].ruleJobs = ["beforeEntry/Check": rule]
            execution.stages[index].conditionWakeAt = t0.adding(seconds: 60)
            execution.stages[index].earlierRuns = [fullAction("Earlier")]
        }
        return execution
    }

    /// Properties nil or empty in `value` (one level down), to show the fixture sets them all.
    private static func unset(in value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap { child in
            let inner = Mirror(reflecting: child.value)
            let isNil = inner.displayStyle == .optional && inner.children.isEmpty
            let isEmpty = (inner.displayStyle == .collection || inner.displayStyle == .dictionary) && inner.children.isEmpty
            return isNil || isEmpty ? child.label ?? "?" : nil
        }
    }

    /// Random executions: each optional present or not, strings that need escaping.
    private static func randomExecution(_ random: inout SeededGenerator) -> PipelineExecution {
        let pieces = ["a", "Z", "/", "\\", "\"", "\n", "\u{01}", "é", "🚀", " ", "0"]
        func text() -> String { (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        // Whole milliseconds, which is what a record keeps.
        func time() -> Timestamp { Timestamp(secondsSince1970: Double(Int64.random(in: 0...2_000_000_000_000, using: &random)) / 1000) }
        func map() -> [String: String] { Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (text(), text()) }) { first, _ in first } }
        func reference() -> ArtifactReference {
            ArtifactReference(name: text(), digest: ArtifactDigest(hex: String(repeating: "0f", count: 32))!, size: Int64.random(in: 0...Int64.max, using: &random), revision: maybe(text))
        }
        func action() -> ActionExecution {
            var action = ActionExecution(name: text())
            action.actionExecutionId = maybe { ActionExecutionID(rawValue: text()) }
            action.status = maybe { [.inProgress, .succeeded, .failed, .abandoned].randomElement(using: &random)! }
            action.jobID = maybe { JobID(rawValue: text()) }
            action.summary = maybe(text)
            action.errorDetails = maybe { FailureDetails(type: .jobFailed, message: text(), externalExecutionId: maybe(text), log: maybe(reference)) }
            action.externalExecutionId = maybe(text)
            action.outputArtifacts = (0..<Int.random(in: 0...2, using: &random)).map { _ in reference() }
            action.outputVariables = map()
            action.startTime = maybe(time)
            action.lastUpdateTime = maybe(time)
            action.token = maybe(text)
            action.deadline = maybe(time)
            action.lastUpdatedBy = maybe(text)
            action.percentComplete = maybe { Int.random(in: 0...100, using: &random) }
            action.logArtifact = maybe(reference)
            return action
        }
        let declaration = PipelineDeclaration(name: "p", stages: (0..<Int.random(in: 1...3, using: &random)).map { index in
            StageDeclaration(name: "S\(index)", actions: (0..<Int.random(in: 1...4, using: &random)).map { ActionDeclaration(name: "A\($0)", actionTypeId: .commands, commands: ["true"]) })
        })
        var execution = PipelineExecution(
            id: ExecutionID(rawValue: text()), pipeline: declaration, version: Int.random(in: 1...9, using: &random),
            trigger: ExecutionTrigger(triggerType: text(), triggerDetail: maybe(text)), variables: map(), at: time())
        execution.status = [.inProgress, .stopping, .succeeded, .failed].randomElement(using: &random)!
        execution.statusSummary = maybe(text)
        execution.lastUpdateTime = time()
        execution.artifacts = Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (text(), reference()) }) { first, _ in first }
        execution.executionType = text()
        execution.waitingAt = maybe { Int.random(in: 0...5, using: &random) }
        execution.waitingOrder = maybe { Int64.random(in: Int64.min...Int64.max, using: &random) }
        execution.stopReason = maybe(text)
        execution.clientRequestToken = maybe(text)
        execution.abandonRequested = Bool.random(using: &random)
        execution.cancelOnStop = Bool.random(using: &random)
        execution.rollbackTarget = maybe { ExecutionID(rawValue: text()) }
        execution.sourceRevisions = maybe(map)
        for index in execution.stages.indices {
            execution.stages[index].status = maybe { [.inProgress, .succeeded, .failed].randomElement(using: &random)! }
            execution.stages[index].actions = execution.stages[index].actions.map { _ in action() }
            execution.stages[index].manualRetryAttempts = maybe { Int.random(in: 0...3, using: &random) }
            execution.stages[index].autoRetryAttempts = maybe { Int.random(in: 0...3, using: &random) }
            execution.stages[index].conditions = maybe { [text(): ConditionRecord(status: text(), summary: maybe(text), lastStatusChange: time())] }
            execution.stages[index].ruleJobs = maybe {
                var job = RuleJob(jobID: JobID(rawValue: text()))
                job.outcome = maybe(text)
                job.message = maybe(text)
                return [text(): job]
            }
            execution.stages[index].conditionWakeAt = maybe(time)
            execution.stages[index].earlierRuns = maybe { [action()] }
        }
        return execution
    }

    @Test func theFixtureSetsEveryPropertyTheRecordWrites() {
        // A property added to any of these types and not to ExecutionRecordJSON.swift would be
        // lost from the store: these counts fail first, and the fixture must then set it.
        let execution = Self.fullExecution()
        let action = execution.stages[1].actions[0]
        #expect(Mirror(reflecting: execution).children.count == 20)
        #expect(Mirror(reflecting: execution.stages[0]).children.count == 9)
        #expect(Mirror(reflecting: action).children.count == 16)
        #expect(Mirror(reflecting: action.errorDetails!).children.count == 4)
        #expect(Mirror(reflecting: action.outputArtifacts[0]).children.count == 4)
        #expect(Mirror(reflecting: execution.trigger).children.count == 2)
        #expect(Mirror(reflecting: execution.stages[0].conditions!.values.first!).children.count == 3)
        #expect(Mirror(reflecting: execution.stages[0].ruleJobs!.values.first!).children.count == 3)
        #expect(Self.unset(in: execution) == [])
        #expect(Self.unset(in: execution.stages[1]) == [])
        #expect(Self.unset(in: action) == [])
    }

    @Test func theRecordIsTheEncodersBytes() throws {
        let minimal = PipelineExecution(
            id: ExecutionID(rawValue: "e"), pipeline: PipelineDeclaration(name: "p", stages: []), version: 1, trigger: .startPipelineExecution, at: Self.t0)
        var random = SeededGenerator(state: 5)
        for execution in [Self.fullExecution(), minimal] + (0..<200).map({ _ in Self.randomExecution(&random) }) {
            let record = try execution.recordJSON()
            #expect(record == (try StreamingJSONEncoder().encode(execution)))
            #expect(try TokenJSONDecoder().decode(PipelineExecution.self, from: record) == execution)
        }
    }

    @Test func aTimeJSONCannotHoldIsRefusedAsTheEncoderRefusesIt() {
        var execution = Self.fullExecution()
        execution.stages[1].actions[2].deadline = Timestamp(secondsSince1970: .infinity)
        #expect(throws: EncodingError.self) { try execution.recordJSON() }
    }
}

/// A job record written by hand is the sorted encoder's bytes and reads back as the job.
@Suite struct JobRecordJSONTests {
    @Test func theRecordIsTheSortedEncodersBytes() throws {
        var data = JobData(
            actionTypeId: .commands, configuration: ["B": "2", "A": "1\n"],
            pipelineContext: PipelineContext(
                pipelineName: "p", stageName: "Build", actionName: "Make", actionExecutionID: ActionExecutionID(rawValue: "a"), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: [JobArtifact.input(ArtifactReference(name: "Src", digest: ArtifactDigest(hex: String(repeating: "12", count: 32))!, size: 5))],
            outputArtifacts: [JobArtifact(name: "Out", files: ["**"])], commands: ["make"])
        data.requiredLabels = ["env": "prod"]
        var record = JobRecord(id: JobID(rawValue: "j"), executionID: ExecutionID(rawValue: "e"), stageName: "Build", actionName: "Make", status: .queued, attempt: 2, data: data)
        #expect(Mirror(reflecting: record).children.count == 8)
        #expect(record.recordJSON() == (try StreamingJSONEncoder(sortedKeys: true).encode(record)))
        record.resultID = "r-\"1\""
        record.status = .succeeded
        #expect(record.recordJSON() == (try StreamingJSONEncoder(sortedKeys: true).encode(record)))
        #expect(try TokenJSONDecoder().decode(JobRecord.self, from: record.recordJSON()) == record)
    }
}

/// A pipeline's runtime state written by hand is the encoder's bytes and reads back as the state.
@Suite struct RuntimeRecordJSONTests {
    private static let t0 = Timestamp(secondsSince1970: 1_795_817_702.25)

    @Test func theRecordIsTheEncodersBytes() throws {
        var full = PipelineRuntimeState()
        full.inbound = [
            "Deploy": .init(enabled: false, disabledReason: "frozen \"for\" now\n", lastChangedAt: Self.t0, lastChangedBy: "alice"),
            "Build": .init(),
        ]
        full.outbound = ["Build": .init(enabled: false, disabledReason: nil, lastChangedAt: Self.t0.adding(seconds: 1), lastChangedBy: nil)]
        full.lastEntered = ["Source": ExecutionID(rawValue: "e-2"), "Build": ExecutionID(rawValue: "e-1")]
        full.lastSucceeded = ["Source": ExecutionID(rawValue: "e-1")]
        full.nextArrival = 42
        // A property added to the state or a transition and not to RuntimeRecordJSON.swift would
        // be lost from the store: these counts fail first.
        #expect(Mirror(reflecting: full).children.count == 5)
        #expect(Mirror(reflecting: full.inbound["Deploy"]!).children.count == 4)

        var random = SeededGenerator(state: 9)
        let pieces = ["a", "Z", "/", "\\", "\"", "\n", "\u{01}", "é", "🚀", " "]
        func text() -> String { (0..<Int.random(in: 1...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        var states = [full, PipelineRuntimeState()]
        for _ in 0..<100 {
            var state = PipelineRuntimeState()
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let reason = Bool.random(using: &random) ? text() : nil
                let at = Bool.random(using: &random) ? Timestamp(secondsSince1970: Double(Int64.random(in: 0...2_000_000_000_000, using: &random)) / 1000) : nil
                let by = Bool.random(using: &random) ? text() : nil
                let transition = PipelineRuntimeState.Transition(enabled: Bool.random(using: &random), disabledReason: reason, lastChangedAt: at, lastChangedBy: by)
                if Bool.random(using: &random) { state.inbound[text()] = transition } else { state.outbound[text()] = transition }
                state.lastEntered[text()] = ExecutionID(rawValue: text())
                state.lastSucceeded[text()] = ExecutionID(rawValue: text())
            }
            state.nextArrival = Int64.random(in: Int64.min...Int64.max, using: &random)
            states.append(state)
        }
        for state in states {
            let record = try state.recordJSON()
            #expect(record == (try StreamingJSONEncoder().encode(state)))
            #expect(try TokenJSONDecoder().decode(PipelineRuntimeState.self, from: record) == state)
        }
    }
}
