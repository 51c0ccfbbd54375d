import ArgumentParser
import BatonAPI

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop an execution: let running actions finish (default) or abandon them.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "The execution id.") var executionId: String
    @Flag(help: "Abandon running actions instead of waiting for them.") var abandon = false
    @Option(help: "Why (recorded as the execution's stop trigger).") var reason: String?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let output = try await options.client().perform(
            .stopPipelineExecution,
            StopPipelineExecutionInput(pipelineName: pipeline, pipelineExecutionId: executionId, abandon: abandon, reason: reason),
            as: PipelineExecutionIDOutput.self)
        if options.output == .json { return try printJSON(output) }
        print("stopping \(output.pipelineExecutionId)\(abandon ? " (abandoning running actions)" : "")")
    }
}

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Retry a failed or stopped stage of an execution: its failed actions, or --all of them.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "The stage to retry.") var stage: String
    @Argument(help: "The execution id.") var executionId: String
    @Flag(help: "Re-run every action of the stage, not only the failed ones.") var all = false
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let output = try await options.client().perform(
            .retryStageExecution,
            RetryStageExecutionInput(pipelineName: pipeline, stageName: stage, pipelineExecutionId: executionId,
                                     retryMode: all ? "ALL_ACTIONS" : "FAILED_ACTIONS"),
            as: PipelineExecutionIDOutput.self)
        if options.output == .json { return try printJSON(output) }
        print("retrying stage \(stage) of \(output.pipelineExecutionId)")
    }
}

struct TransitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transition",
        abstract: "Enable or disable the transition into (or, with --outbound, out of) a stage.",
        subcommands: [Enable.self, Disable.self])

    struct Enable: AsyncParsableCommand {
        @Argument(help: "The pipeline's name.") var pipeline: String
        @Argument(help: "The stage.") var stage: String
        @Flag(help: "The stage's outbound transition rather than its inbound one.") var outbound = false
        @OptionGroup var options: ClientOptions

        func run() async throws {
            _ = try await options.client().perform(
                .enableStageTransition,
                StageTransitionInput(pipelineName: pipeline, stageName: stage, transitionType: outbound ? "Outbound" : "Inbound"),
                as: EmptyOutput.self)
            if options.output == .json { return try printJSON(["pipelineName": pipeline, "stageName": stage, "transitionType": outbound ? "Outbound" : "Inbound", "enabled": "true"]) }
            print("enabled the \(outbound ? "outbound" : "inbound") transition of \(stage)")
        }
    }

    struct Disable: AsyncParsableCommand {
        @Argument(help: "The pipeline's name.") var pipeline: String
        @Argument(help: "The stage.") var stage: String
        @Flag(help: "The stage's outbound transition rather than its inbound one.") var outbound = false
        @Option(help: "Why (1–300 letters, digits, spaces and !@().*?-).") var reason: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            _ = try await options.client().perform(
                .disableStageTransition,
                StageTransitionInput(pipelineName: pipeline, stageName: stage, transitionType: outbound ? "Outbound" : "Inbound", reason: reason),
                as: EmptyOutput.self)
            if options.output == .json { return try printJSON(["pipelineName": pipeline, "stageName": stage, "transitionType": outbound ? "Outbound" : "Inbound", "enabled": "false"]) }
            print("disabled the \(outbound ? "outbound" : "inbound") transition of \(stage)")
        }
    }
}

/// `baton approve` and `baton reject`: PutApprovalResult, finding the pending token when none is given.
/// What names a pending approval and the decision's note, for `approve` and `reject`.
struct ApprovalArguments: ParsableArguments {
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "The stage holding the approval.") var stage: String
    @Argument(help: "The approval action.") var action: String
    @Option(help: "The approval token (default: the pending one shown by status).") var token: String?
    @Option(help: "A note recorded with the decision.") var summary: String = ""

    func decide(reject: Bool, options: ClientOptions) async throws {
        let client = try options.client()
        var token = token
        if token == nil {
            let state = try await client.perform(.getPipelineState, GetPipelineStateInput(name: pipeline), as: GetPipelineStateOutput.self)
            token = state.stageStates.first { $0.stageName == stage }?.actionStates.first { $0.actionName == action }?.latestExecution?.token
        }
        guard let token else { throw ClientFailure(description: "no approval is pending for \(stage)/\(action) in pipeline \(pipeline)") }
        _ = try await client.perform(
            .putApprovalResult,
            PutApprovalResultInput(pipelineName: pipeline, stageName: stage, actionName: action,
                                   result: ApprovalResult(summary: summary, status: reject ? "Rejected" : "Approved"), token: token),
            as: PutApprovalResultOutput.self)
        if options.output == .json { return try printJSON(["pipelineName": pipeline, "stageName": stage, "actionName": action, "status": reject ? "Rejected" : "Approved"]) }
        print("\(reject ? "rejected" : "approved") \(stage)/\(action)")
    }
}

struct ApprovalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a pending manual approval (use --reject to reject it).")
    @OptionGroup var approval: ApprovalArguments
    @Flag(help: "Reject instead of approve.") var reject = false
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await approval.decide(reject: reject, options: options)
    }
}

struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a pending manual approval (the same as approve --reject).")
    @OptionGroup var approval: ApprovalArguments
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await approval.decide(reject: true, options: options)
    }
}

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll a stage back to an earlier execution that succeeded in it; prints the rollback execution's id.")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "The stage to roll back.") var stage: String
    @Argument(help: "The execution to roll back to (default: the latest earlier one that succeeded in the stage).") var target: String?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        var target = self.target
        if target == nil {
            let candidates = try await client.perform(
                .listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: pipeline, succeededInStage: stage), as: ListPipelineExecutionsOutput.self)
            // The newest success is what runs now; roll back to the one before it.
            target = candidates.pipelineExecutionSummaries.filter { $0.executionType == "STANDARD" }.dropFirst().first?.pipelineExecutionId
        }
        guard let target else { throw ClientFailure(description: "no earlier execution succeeded in stage \(stage) of pipeline \(pipeline)") }
        let output = try await client.perform(
            .rollbackStage, RollbackStageInput(pipelineName: pipeline, stageName: stage, targetPipelineExecutionId: target),
            as: PipelineExecutionIDOutput.self)
        if options.output == .json { return try printJSON(output) }
        print(output.pipelineExecutionId)
    }
}

struct OverrideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override",
        abstract: "Override a stage's entry or success condition for an execution (OverrideStageCondition).")
    @Argument(help: "The pipeline's name.") var pipeline: String
    @Argument(help: "The stage.") var stage: String
    @Argument(help: "The execution id.") var executionId: String
    @Flag(help: "Override the entry condition rather than the success condition.") var beforeEntry = false
    @OptionGroup var options: ClientOptions

    func run() async throws {
        _ = try await options.client().perform(
            .overrideStageCondition,
            OverrideStageConditionInput(pipelineName: pipeline, stageName: stage, pipelineExecutionId: executionId,
                                        conditionType: beforeEntry ? "BEFORE_ENTRY" : "ON_SUCCESS"),
            as: EmptyOutput.self)
        if options.output == .json { return try printJSON(["pipelineName": pipeline, "stageName": stage, "conditionType": beforeEntry ? "BEFORE_ENTRY" : "ON_SUCCESS"]) }
        print("overrode the \(beforeEntry ? "entry" : "success") condition of \(stage)")
    }
}
