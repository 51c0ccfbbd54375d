import BatonAPI
import BatonModel
import Foundation

/// One execution as `baton status` and `baton watch` show it: per action its status, duration and
/// what it is doing or waiting for, built from GetPipelineExecution, GetPipelineState,
/// ListActionExecutions and the coordinator's worker report.
struct ExecutionView {
    struct Row: Equatable {
        var stage: String
        var action: String
        var status: String
        var duration: String
        var detail: String
    }

    var pipeline: String
    var execution: PipelineExecutionShape
    var rows: [Row]
    /// From the first action's start to the last change (or now, while it runs).
    var elapsed: Double

    /// `id`, or the pipeline's latest execution when none is given.
    static func executionID(_ id: String?, of pipeline: String, client: CodePipelineClient) async throws -> String {
        if let id { return id }
        return try await latestExecutionID(of: pipeline, client: client)
    }

    static func latestExecutionID(of pipeline: String, client: CodePipelineClient) async throws -> String {
        let list = try await client.perform(
            .listPipelineExecutions, ListPipelineExecutionsInput(pipelineName: pipeline, maxResults: 1), as: ListPipelineExecutionsOutput.self)
        guard let id = list.pipelineExecutionSummaries.first?.pipelineExecutionId else {
            throw ClientFailure(description: "pipeline \(pipeline) has no executions yet")
        }
        return id
    }

    static func load(_ pipeline: String, execution id: String, client: CodePipelineClient) async throws -> ExecutionView {
        let execution = try await client.perform(
            .getPipelineExecution, GetPipelineExecutionInput(pipelineName: pipeline, pipelineExecutionId: id), as: GetPipelineExecutionOutput.self)
            .pipelineExecution
        let state = try await client.perform(.getPipelineState, GetPipelineStateInput(name: pipeline), as: GetPipelineStateOutput.self)
        let actions = try await client.perform(
            .listActionExecutions, ListActionExecutionsInput(pipelineName: pipeline, filter: .init(pipelineExecutionId: id)),
            as: ListActionExecutionsOutput.self).actionExecutionDetails
        // Why queued jobs wait; an older coordinator without the report just shows less.
        let waiting = (try? await client.post(ListWorkersInput.path, ListWorkersInput(), as: ListWorkersOutput.self).waiting) ?? []
        let now = Date().timeIntervalSince1970

        var rows: [Row] = []
        var previousStageDone = true
        for stage in state.stageStates {
            let ours = stage.latestExecution?.pipelineExecutionId == id
            for action in stage.actionStates {
                let detail = actions.first { $0.stageName == stage.stageName && $0.actionName == action.actionName }
                let latest = ours ? action.latestExecution : nil
                guard let detail, let status = latest?.status ?? Optional(detail.status) else {
                    var why = ""
                    if previousStageDone, execution.status == .inProgress, stage.inboundTransitionState?.enabled == false {
                        why = "waiting: transition into \(stage.stageName) disabled" + (stage.inboundTransitionState?.disabledReason.map { " (\($0))" } ?? "")
                    }
                    rows.append(Row(stage: stage.stageName, action: action.actionName, status: "-", duration: "", detail: why))
                    continue
                }
                let end = status == .inProgress ? now : (detail.lastUpdateTime?.secondsSince1970 ?? now)
                let elapsed = detail.startTime.map { duration(end - $0.secondsSince1970) } ?? ""
                var text = detail.output.executionResult?.errorDetails?.message ?? detail.output.executionResult?.externalExecutionSummary ?? ""
                text = text.split(separator: "\n").first.map(String.init) ?? ""
                if status == .inProgress {
                    if let job = waiting.first(where: { $0.pipelineExecutionId == id && $0.stageName == stage.stageName && $0.actionName == action.actionName }) {
                        text = "waiting: \(job.reason)"
                    } else if latest?.token != nil {
                        text = "waiting for approval: baton approve \(pipeline) \(stage.stageName) \(action.actionName)"
                    } else if let percent = latest?.percentComplete {
                        text = "\(percent)%" + (text.isEmpty ? "" : " \(text)")
                    }
                }
                rows.append(Row(stage: stage.stageName, action: action.actionName, status: status.rawValue, duration: elapsed, detail: text))
            }
            previousStageDone = ours && stage.latestExecution?.status == .succeeded
        }
        let started = actions.compactMap { $0.startTime?.secondsSince1970 }.min() ?? now
        let ended = execution.status.isTerminal ? (actions.compactMap { $0.lastUpdateTime?.secondsSince1970 }.max() ?? now) : now
        return ExecutionView(pipeline: pipeline, execution: execution, rows: rows, elapsed: ended - started)
    }

    var heading: String {
        "\(pipeline) \(execution.pipelineExecutionId) \(execution.status.rawValue) (\(duration(elapsed)), \(execution.trigger.triggerType))"
            + (execution.statusSummary.map { ": \($0)" } ?? "")
    }

    func render(_ terminal: Terminal) -> String {
        let body = [["STAGE", "ACTION", "STATUS", "TIME", ""].map(terminal.bold)]
            + rows.map { [$0.stage, $0.action, terminal.status($0.status), $0.duration, $0.detail] }
        return terminal.bold(heading) + "\n" + table(body)
    }
}
