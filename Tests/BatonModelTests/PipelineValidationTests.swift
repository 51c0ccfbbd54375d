import Foundation
import Testing
@testable import BatonModel

/// One test per structural rule of semantics §1 and §4, each asserting the exception CodePipeline
/// raises and the 1-based path of the offending member.
@Suite struct PipelineValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        let base: String
        let change: @Sendable (inout PipelineDeclaration) -> Void
        let exception: PipelineValidationError.Exception
        let path: String
        let message: String
        var testDescription: String { rule }

        init(_ rule: String, base: String = "valid/five-stage.json", _ exception: PipelineValidationError.Exception, _ path: String, _ message: String,
             _ change: @escaping @Sendable (inout PipelineDeclaration) -> Void) {
            self.rule = rule
            self.base = base
            self.change = change
            self.exception = exception
            self.path = path
            self.message = message
        }
    }

    static let commands = ActionTypeID.commands
    static let s3Source = ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1")
    static let variables = "valid/cross-stage-variables.json"
    static let monorepo = "valid/monorepo-api.json"
    static let conditions = "valid/conditions-rollback.json"

    static func rule(_ provider: String) -> RuleDeclaration {
        RuleDeclaration(name: "R", ruleTypeId: .init(category: "Rule", owner: "AWS", provider: provider, version: "1"))
    }

    static let cases: [Case] = [
        // Names and patterns (ValidationException, botocore's wording).
        Case("pipeline name pattern", .validation, "pipeline.name", "Value 'web app' at 'pipeline.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+") { $0.name = "web app" },
        Case("pipeline name length", .validation, "pipeline.name", "Member must have length between 1 and 100") { $0.name = String(repeating: "a", count: 101) },
        Case("stage name pattern", .validation, "pipeline.stages.2.member.name", "Value 'Build!' at 'pipeline.stages.2.member.name'") { $0.stages[1].name = "Build!" },
        Case("action name pattern", .validation, "pipeline.stages.3.member.actions.2.member.name", "Member must satisfy regular expression pattern") { $0.stages[2].actions[1].name = "integration tests" },
        Case("role ARN pattern", .validation, "pipeline.roleArn", "arn:aws(-[\\w]+)*:iam::[0-9]{12}:role/.*") { $0.roleArn = "arn:aws:iam::12:role/x" },
        Case("artifact name pattern (S-32)", .validation, "pipeline.stages.2.member.actions.1.member.outputArtifacts.1.member.name", "[a-zA-Z0-9_\\-]+") {
            $0.stages[1].actions[0].outputArtifacts = [OutputArtifact(name: "Build.Artifact")]
        },
        Case("category enum", .validation, "pipeline.stages.2.member.actions.1.member.actionTypeId.category", "Member must satisfy enum value set") { $0.stages[1].actions[0].actionTypeId.category = "Compile" },
        Case("owner enum (S-8)", .validation, "pipeline.stages.2.member.actions.1.member.actionTypeId.owner", "[AWS, ThirdParty, Custom]") { $0.stages[1].actions[0].actionTypeId.owner = "Amazon" },
        Case("provider pattern", .validation, "pipeline.stages.2.member.actions.1.member.actionTypeId.provider", "Member must satisfy regular expression pattern: [0-9A-Za-z_-]+") { $0.stages[1].actions[0].actionTypeId.provider = "Code Build" },
        Case("version length", .validation, "pipeline.stages.2.member.actions.1.member.actionTypeId.version", "Member must have length between 1 and 9") { $0.stages[1].actions[0].actionTypeId.version = "1234567890" },
        Case("runOrder at least 1 (S-20)", .validation, "pipeline.stages.2.member.actions.1.member.runOrder", "Value '0' at 'pipeline.stages.2.member.actions.1.member.runOrder' failed to satisfy constraint: Member must have value between 1 and 999") { $0.stages[1].actions[0].runOrder = 0 },
        Case("runOrder at most 999", .validation, "pipeline.stages.2.member.actions.1.member.runOrder", "between 1 and 999") { $0.stages[1].actions[0].runOrder = 1000 },
        Case("pipeline type enum", .validation, "pipeline.pipelineType", "[V1, V2]") { $0.pipelineType = "V3" },
        Case("artifact store location", .validation, "pipeline.artifactStore.location", "Member must have length between 3 and 63") { $0.artifactStore?.location = "ab" },
        Case("configuration value not empty", .validation, "pipeline.stages.2.member.actions.1.member.configuration.ProjectName", "Member must have length between 1 and 50000") { $0.stages[1].actions[0].configuration?["ProjectName"] = "" },
        Case("namespace has no dot", .validation, "pipeline.stages.2.member.actions.1.member.namespace", "[A-Za-z0-9@\\-_]+") { $0.stages[1].actions[0].namespace = "Build.Vars" },
        Case("approval timeout range", .validation, "pipeline.stages.4.member.actions.1.member.timeoutInMinutes", "between 5 and 86400") { $0.stages[3].actions[0].timeoutInMinutes = 4 },
        Case("pipeline variable name", base: variables, .validation, "pipeline.variables.1.member.name", "[A-Za-z0-9@\\-_]+") { $0.variables?[0].name = "Deploy Env" },
        Case("pipeline variable default length", base: variables, .validation, "pipeline.variables.1.member.defaultValue", "between 1 and 1000") { $0.variables?[0].defaultValue = "" },
        Case("environment variable name", base: monorepo, .validation, "pipeline.stages.2.member.actions.1.member.environmentVariables.1.member.name", "[A-Za-z0-9_]+") { $0.stages[1].actions[0].environmentVariables?[0].name = "GO-FLAGS" },
        Case("environment variable type", base: monorepo, .validation, "pipeline.stages.2.member.actions.1.member.environmentVariables.1.member.type", "[PLAINTEXT, SECRETS_MANAGER]") { $0.stages[1].actions[0].environmentVariables?[0].type = "SECRET" },
        Case("commands 1 to 50", base: monorepo, .validation, "pipeline.stages.2.member.actions.1.member.commands", "between 1 and 50") { $0.stages[1].actions[0].commands = Array(repeating: "true", count: 51) },
        Case("output variables 1 to 15", base: monorepo, .validation, "pipeline.stages.2.member.actions.1.member.outputVariables", "between 1 and 15") { $0.stages[1].actions[0].outputVariables = (0..<16).map { "V\($0)" } },
        Case("output files 1 to 10", base: monorepo, .validation, "pipeline.stages.2.member.actions.1.member.outputArtifacts.1.member.files", "between 1 and 10") { $0.stages[1].actions[0].outputArtifacts?[0].files = (0..<11).map { "f\($0)" } },

        // Pipeline structure (InvalidStructureException).
        Case("at least 2 stages (S-1)", .invalidStructure, "pipeline.stages", "a pipeline must have between 2 and 50 stages") { $0.stages = Array($0.stages.prefix(1)) },
        Case("at most 50 stages (S-1)", .invalidStructure, "pipeline.stages", "between 2 and 50 stages") { pipeline in
            let build = pipeline.stages[1]
            pipeline.stages += (0..<50).map { index in
                var stage = build
                stage.name = "Extra\(index)"
                stage.actions[0].outputArtifacts = nil
                stage.actions[0].namespace = nil
                return stage
            }
        },
        Case("first stage holds a Source action (S-2)", .invalidStructure, "pipeline.stages.1.member", "must contain at least one Source action") { pipeline in
            pipeline.stages[0].actions[0].actionTypeId = Self.commands
            pipeline.stages[0].actions[0].configuration = nil
            pipeline.stages[0].actions[0].commands = ["true"]
        },
        Case("first stage holds only Source actions (S-2)", base: variables, .invalidStructure, "pipeline.stages.1.member.actions.2.member.actionTypeId", "the first stage may contain only Source actions") { pipeline in
            pipeline.stages[0].actions.append(ActionDeclaration(name: "Extra", actionTypeId: Self.commands, commands: ["true"], inputArtifacts: ["Src"]))
        },
        Case("Source actions only in the first stage (S-3)", base: variables, .invalidStructure, "pipeline.stages.2.member.actions.3.member.actionTypeId", "Source actions may only be in the first stage") { pipeline in
            pipeline.stages[1].actions.append(ActionDeclaration(name: "Late", actionTypeId: Self.s3Source, configuration: ["S3Bucket": "b", "S3ObjectKey": "k"], outputArtifacts: [OutputArtifact(name: "Late")]))
        },
        Case("a non-Source action somewhere (S-4)", base: variables, .invalidStructure, "pipeline.stages", "at least one stage must contain an action that is not a Source action") { pipeline in
            let source = pipeline.stages[0]
            var second = source
            second.name = "Source2"
            second.actions[0].name = "Fetch2"
            second.actions[0].namespace = nil
            second.actions[0].outputArtifacts = [OutputArtifact(name: "Src2")]
            pipeline.stages = [source, second]
        },
        Case("artifactStore xor artifactStores (S-7)", .invalidStructure, "pipeline.artifactStores", "declares both artifactStore and artifactStores") { pipeline in
            pipeline.artifactStores = ["us-east-1": ArtifactStoreDeclaration(location: "other-bucket")]
        },
        Case("cross-region needs artifactStores (S-7)", .invalidStructure, "pipeline.artifactStores", "cross-region actions require artifactStores") { $0.stages[4].actions[0].region = "eu-west-1" },
        Case("artifactStores covers each region (S-7)", .invalidStructure, "pipeline.artifactStores", "artifactStores has no entry for eu-west-1") { pipeline in
            pipeline.artifactStore = nil
            pipeline.artifactStores = ["us-east-1": ArtifactStoreDeclaration(location: "bucket-one")]
            pipeline.stages[4].actions[0].region = "eu-west-1"
        },
        Case("QUEUED needs V2 (S-11)", .invalidStructure, "pipeline.executionMode", "QUEUED mode can only be used with V2 pipelines") { $0.pipelineType = "V1" },
        Case("variables need V2", base: variables, .invalidStructure, "pipeline.variables", "Pipeline variables can only be used with V2 pipelines") { $0.pipelineType = "V1" },
        Case("triggers need V2", base: monorepo, .invalidStructure, "pipeline.triggers", "Triggers can only be used with V2 pipelines") { $0.pipelineType = "V1" },
        Case("conditions need V2", base: conditions, .invalidStructure, "pipeline.stages.2.member", "stage conditions can only be used with V2 pipelines") { pipeline in
            pipeline.pipelineType = "V1"
            pipeline.executionMode = nil
            pipeline.variables = nil
            pipeline.stages[2].beforeEntry = nil
            pipeline.stages[2].onSuccess = nil
            pipeline.stages[2].onFailure = nil
        },
        Case("no ROLLBACK in PARALLEL mode (S-12)", base: conditions, .invalidStructure, "pipeline.stages.3.member", "rollback is not available in PARALLEL mode") { $0.executionMode = .parallel },
        Case("at most 500 actions", .invalidStructure, "pipeline.stages", "a pipeline may have at most 500 actions") { pipeline in
            let template = pipeline.stages[4]
            pipeline.stages += (0..<11).map { index in
                var stage = template
                stage.name = "Wide\(index)"
                stage.actions = (0..<46).map { number in
                    var action = template.actions[0]
                    action.name = "D\(number)"
                    return action
                }
                return stage
            }
        },
        Case("trigger names a source action (S-15)", base: monorepo, .invalidStructure, "pipeline.triggers.1.member.gitConfiguration.sourceActionName", "is not a source action of this pipeline") { $0.triggers?[0].gitConfiguration.sourceActionName = "Nope" },
        Case("trigger only on CodeStarSourceConnection (T-1)", base: variables, .invalidStructure, "pipeline.triggers.1.member.gitConfiguration.sourceActionName", "triggers apply only to CodeStarSourceConnection source actions") { pipeline in
            pipeline.triggers = [TriggerDeclaration(gitConfiguration: GitConfiguration(sourceActionName: "Fetch", push: [GitPushFilter(branches: GitPatternFilter(includes: ["main"]))]))]
        },
        Case("one trigger per source action", base: monorepo, .invalidStructure, "pipeline.triggers.2.member.gitConfiguration.sourceActionName", "has more than one trigger") { pipeline in
            let first = pipeline.triggers![0]
            pipeline.triggers?.append(first)
        },
        Case("at most 3 push filters", base: monorepo, .validation, "pipeline.triggers.1.member.gitConfiguration.push", "between 1 and 3") { pipeline in
            let filter = pipeline.triggers![0].gitConfiguration.push![1]
            pipeline.triggers?[0].gitConfiguration.push = Array(repeating: filter, count: 4)
        },
        Case("at most 8 patterns", base: monorepo, .validation, "pipeline.triggers.1.member.gitConfiguration.push.1.member.branches.includes", "between 1 and 8") { pipeline in
            pipeline.triggers?[0].gitConfiguration.push?[0].branches?.includes = (0..<9).map { "b\($0)" }
        },
        Case("patterns of 255 characters at most", base: monorepo, .validation, "pipeline.triggers.1.member.gitConfiguration.push.1.member.filePaths.excludes.1.member", "between 1 and 255") { pipeline in
            pipeline.triggers?[0].gitConfiguration.push?[0].filePaths?.excludes?[0] = String(repeating: "x", count: 256)
        },
        Case("pull request events", base: monorepo, .validation, "pipeline.triggers.1.member.gitConfiguration.pullRequest.1.member.events.2.member", "[OPEN, UPDATED, CLOSED]") { pipeline in
            pipeline.triggers?[0].gitConfiguration.pullRequest?[0].events = ["OPEN", "MERGED"]
        },
        Case("file paths alone are not a push filter (T-14)", base: monorepo, .invalidStructure, "pipeline.triggers.1.member.gitConfiguration.push.1.member", "file paths alone are not a valid filter") { pipeline in
            pipeline.triggers?[0].gitConfiguration.push?[0].branches = nil
        },
        Case("tags do not combine with file paths (T-14)", base: monorepo, .invalidStructure, "pipeline.triggers.1.member.gitConfiguration.push.2.member", "cannot also filter file paths") { pipeline in
            pipeline.triggers?[0].gitConfiguration.push?[1].filePaths = GitPatternFilter(includes: ["src/**"])
        },
        Case("pull request filters need branches (T-14)", base: monorepo, .invalidStructure, "pipeline.triggers.1.member.gitConfiguration.pullRequest.1.member", "needs branches") { pipeline in
            pipeline.triggers?[0].gitConfiguration.pullRequest?[0].branches = nil
        },

        // Stages (InvalidStageDeclarationException).
        Case("stage names unique (S-5)", .invalidStageDeclaration, "pipeline.stages.3.member.name", "Stage name Build is used more than once") { $0.stages[2].name = "Build" },
        Case("a stage has actions (S-6)", .invalidStageDeclaration, "pipeline.stages.4.member.actions", "a stage must have between 1 and 50 actions") { $0.stages[3].actions = [] },
        Case("at most 50 parallel actions (S-6)", .invalidStageDeclaration, "pipeline.stages.5.member.actions", "a stage must have between 1 and 50 actions") { pipeline in
            let template = pipeline.stages[4].actions[0]
            pipeline.stages[4].actions = (0..<51).map { number in
                var action = template
                action.name = "D\(number)"
                return action
            }
        },
        Case("entry conditions hold one condition", base: conditions, .validation, "pipeline.stages.3.member.beforeEntry.conditions", "between 1 and 1") { pipeline in
            let first = pipeline.stages[2].beforeEntry!.conditions[0]
            pipeline.stages[2].beforeEntry?.conditions.append(first)
        },
        Case("entry results are FAIL or SKIP", base: conditions, .invalidStageDeclaration, "pipeline.stages.3.member.beforeEntry.conditions.1.member.result", "use FAIL or SKIP") { pipeline in
            pipeline.stages[2].beforeEntry?.conditions[0].result = "ROLLBACK"
        },
        Case("SKIP only with LambdaInvoke and VariableCheck (S-14)", base: conditions, .invalidStageDeclaration, "pipeline.stages.3.member.beforeEntry.conditions.1.member", "may only use LambdaInvoke and VariableCheck rules, not Commands") { pipeline in
            pipeline.stages[2].beforeEntry?.conditions[0].result = "SKIP"
            pipeline.stages[2].beforeEntry?.conditions[0].rules.append(Self.rule("Commands"))
        },
        Case("RETRY without conditions (S-13)", base: conditions, .invalidStageDeclaration, "pipeline.stages.2.member.onFailure", "cannot be combined with onFailure conditions") { pipeline in
            pipeline.stages[1].onFailure?.conditions = [ConditionDeclaration(result: "ROLLBACK", rules: [Self.rule("VariableCheck")])]
        },
        Case("retry modes", base: conditions, .validation, "pipeline.stages.2.member.onFailure.retryConfiguration.retryMode", "[ALL_ACTIONS, FAILED_ACTIONS]") { pipeline in
            pipeline.stages[1].onFailure?.retryConfiguration?.retryMode = "SOME_ACTIONS"
        },
        Case("rules 1 to 5", base: conditions, .validation, "pipeline.stages.3.member.onSuccess.conditions.1.member.rules", "between 1 and 5") { pipeline in
            pipeline.stages[2].onSuccess?.conditions[0].rules = []
        },
        Case("known rule types", base: conditions, .invalidStageDeclaration, "pipeline.stages.3.member.onSuccess.conditions.1.member.rules.1.member.ruleTypeId", "unknown rule type Telepathy") { pipeline in
            pipeline.stages[2].onSuccess?.conditions[0].rules[0].ruleTypeId.provider = "Telepathy"
        },
        Case("CloudWatchAlarm cannot apply self-hosted", base: conditions, .invalidStageDeclaration, "pipeline.stages.3.member.onSuccess.conditions.1.member.rules.1.member.ruleTypeId", "cannot apply to a self-hosted Baton") { pipeline in
            pipeline.stages[2].onSuccess?.conditions[0].rules[0] = Self.rule("CloudWatchAlarm")
        },
        Case("a deployment window's cron parses", base: conditions, .invalidStageDeclaration, "pipeline.stages.3.member.onSuccess.conditions.1.member.rules.1.member.configuration.Cron", "'25' is not in 0-23") { pipeline in
            var rule = Self.rule("DeploymentWindow")
            rule.configuration = ["Cron": "* * 25 ? * MON-FRI"]
            pipeline.stages[2].onSuccess?.conditions[0].rules[0] = rule
        },
        Case("LambdaInvoke names its function", base: conditions, .invalidStageDeclaration, "pipeline.stages.3.member.onSuccess.conditions.1.member.rules.1.member.configuration.FunctionName", "needs configuration FunctionName") { pipeline in
            pipeline.stages[2].onSuccess?.conditions[0].rules[0] = Self.rule("LambdaInvoke")
        },
        Case("rule category is Rule", base: conditions, .validation, "pipeline.stages.3.member.onSuccess.conditions.1.member.rules.1.member.ruleTypeId.category", "[Rule]") { pipeline in
            pipeline.stages[2].onSuccess?.conditions[0].rules[0].ruleTypeId.category = "Test"
        },

        // Actions (InvalidActionDeclarationException).
        Case("action names unique in a stage (S-5)", .invalidActionDeclaration, "pipeline.stages.3.member.actions.2.member.name", "Action name UnitTests is used more than once in stage Test") { $0.stages[2].actions[1].name = "UnitTests" },
        Case("action type exists (S-9)", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.actionTypeId", "ActionType (Category: 'Build', Provider: 'Jenkins', Owner: 'Custom', Version: '1') in action 'Build' is not available") { pipeline in
            pipeline.stages[1].actions[0].actionTypeId = ActionTypeID(category: "Build", owner: "Custom", provider: "Jenkins", version: "1")
        },
        Case("required configuration present (S-9)", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.configuration", "is missing required configuration 'ProjectName'") { $0.stages[1].actions[0].configuration?["ProjectName"] = nil },
        Case("no unknown configuration", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.configuration.Projectname", "contains unknown configuration 'Projectname'") { $0.stages[1].actions[0].configuration?["Projectname"] = "x" },
        Case("input artifacts at least the minimum (S-33)", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.inputArtifacts", "Action Build declares 0 input artifacts which is less than the minimum count (1)") { $0.stages[1].actions[0].inputArtifacts = nil },
        Case("output artifacts at most the maximum (S-34)", .invalidActionDeclaration, "pipeline.stages.5.member.actions.1.member.outputArtifacts", "declares 1 output artifacts which is more than the maximum count (0)") { $0.stages[4].actions[0].outputArtifacts = [OutputArtifact(name: "Receipt")] },
        Case("output names unique (S-30)", .invalidActionDeclaration, "pipeline.stages.3.member.actions.2.member.outputArtifacts.1.member", "Output Artifact Bundle name must be unique within the pipeline. UnitReport has been used more than once.") {
            $0.stages[2].actions[1].outputArtifacts = [OutputArtifact(name: "UnitReport")]
        },
        Case("inputs produced somewhere (S-31)", .invalidActionDeclaration, "pipeline.stages.5.member.actions.1.member.inputArtifacts.1.member", "Input Artifact Bundle Nothing of action DeployStaging is not the output of any action") { $0.stages[4].actions[0].inputArtifacts = [InputArtifact(name: "Nothing")] },
        Case("inputs produced earlier, not by a parallel action (S-31)", .invalidActionDeclaration, "pipeline.stages.3.member.actions.2.member.inputArtifacts.3.member", "is produced by an action that does not run before it") {
            $0.stages[2].actions[1].inputArtifacts?.append(InputArtifact(name: "UnitReport"))
        },
        Case("inputs not from a later stage (S-31)", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.inputArtifacts.2.member", "does not run before it") {
            $0.stages[1].actions[0].inputArtifacts?.append(InputArtifact(name: "UnitReport"))
        },
        Case("commands only on compute actions", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.commands", "The following action cannot contain a commands field: Build. To use the commands field, use a compute action.") { $0.stages[1].actions[0].commands = ["make"] },
        Case("a Commands action has commands", base: monorepo, .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.commands", "a Commands action without commands") { $0.stages[1].actions[0].commands = nil },
        Case("files only on compute actions", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.outputArtifacts.1.member.files", "only compute actions may declare files") { $0.stages[1].actions[0].outputArtifacts?[0].files = ["dist/**"] },
        Case("outputVariables only on compute actions", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.outputVariables", "only compute actions may declare outputVariables") { $0.stages[1].actions[0].outputVariables = ["X"] },
        Case("no region on Source actions", .invalidActionDeclaration, "pipeline.stages.1.member.actions.1.member.region", "Source, ThirdParty and Custom actions cannot run in another region") { pipeline in
            pipeline.artifactStore = nil
            pipeline.artifactStores = ["eu-west-1": ArtifactStoreDeclaration(location: "bucket-eu")]
            pipeline.stages[0].actions[0].region = "eu-west-1"
        },
        Case("timeouts only on approvals", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.timeoutInMinutes", "available only to manual approval actions") { $0.stages[1].actions[0].timeoutInMinutes = 60 },
        Case("namespaces unique (S-42)", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.namespace", "Namespaces must be unique across the pipeline definition. The following occur more than once in the pipeline. StageName=[Build], ActionName=[Build], Namespace=[SourceVariables]") {
            $0.stages[1].actions[0].namespace = "SourceVariables"
        },
        Case("namespaces differ from artifact names (S-42)", .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.namespace", "is also an artifact name") { $0.stages[1].actions[0].namespace = "UnitReport" },
        Case("pipeline variables referenced are declared", base: variables, .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.commands.2.member", "references #{variables.DeployEnvironment}, but the pipeline declares no variable DeployEnvironment") {
            $0.stages[1].actions[0].commands?[1] = "export TARGET=#{variables.DeployEnvironment}"
        },
        Case("codepipeline variables are known (S-41)", base: variables, .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.commands.1.member", "references #{codepipeline.PipelineArn}") {
            $0.stages[1].actions[0].commands?[0] = "export IMAGE_TAG=#{codepipeline.PipelineArn}"
        },
        Case("referenced namespaces exist", base: variables, .invalidActionDeclaration, "pipeline.stages.3.member.actions.1.member.configuration.FunctionName", "no action declares the namespace DeployVars") {
            $0.stages[2].actions[0].configuration?["FunctionName"] = "#{DeployVars.Name}"
        },
        Case("referenced namespaces run earlier (S-43)", base: variables, .invalidActionDeclaration, "pipeline.stages.2.member.actions.1.member.commands.1.member", "does not run before it") {
            $0.stages[1].actions[0].commands?[0] = "echo #{BuildVars.TARGET}"
        },
        Case("compute outputs referenced are declared", base: variables, .invalidActionDeclaration, "pipeline.stages.3.member.actions.1.member.configuration.FunctionName", "declares no output variable REGION") {
            $0.stages[2].actions[0].configuration?["FunctionName"] = "deploy-#{BuildVars.REGION}"
        },
        Case("references are well formed", base: variables, .invalidActionDeclaration, "pipeline.stages.3.member.actions.1.member.configuration.FunctionName", "has no closing '}'") {
            $0.stages[2].actions[0].configuration?["FunctionName"] = "deploy-#{BuildVars.TARGET"
        },

        // Blockers (InvalidBlockerDeclarationException).
        Case("blockers are schedules", .invalidBlockerDeclaration, "pipeline.stages.2.member.blockers.1.member", "type Schedule") { $0.stages[1].blockers = [BlockerDeclaration(name: "freeze", type: "Calendar")] },
    ]

    @Test(arguments: cases)
    func eachRuleIsEnforcedWithItsExceptionAndPath(_ testCase: Case) throws {
        var declaration = try Fixtures.declaration(testCase.base)
        try declaration.validate()
        testCase.change(&declaration)
        let error = #expect(throws: PipelineValidationError.self) { try declaration.validate() }
        let issues = error?.issues ?? []
        let issue = issues.first { $0.path.description == testCase.path && $0.message.contains(testCase.message) }
        #expect(issue != nil, "no issue at \(testCase.path) containing “\(testCase.message)”; got: \(issues.map { "[\($0.exception.rawValue)] \($0.path): \($0.message)" })")
        #expect(issue?.exception == testCase.exception)
    }

    @Test func fiveMistakesGetFivePreciseErrorsInOneResponse() throws {
        var declaration = try Fixtures.declaration("valid/five-stage.json")
        declaration.name = "web app"                                        // pattern
        declaration.stages[1].actions[0].runOrder = 0                       // range
        declaration.stages[2].name = "Build"                                // duplicate stage
        declaration.stages[4].actions[0].inputArtifacts = [InputArtifact(name: "Missing")] // flow
        declaration.stages[3].actions[0].timeoutInMinutes = 2               // range
        let error = #expect(throws: PipelineValidationError.self) { try declaration.validate() }
        #expect(error?.issues.count == 5)
        // Shape errors come first and decide the exception, as CodePipeline orders them.
        #expect(error?.exception == .validation)
        #expect(error?.issues.map(\.path.description) == [
            "pipeline.name", "pipeline.stages.2.member.actions.1.member.runOrder", "pipeline.stages.4.member.actions.1.member.timeoutInMinutes",
            "pipeline.stages.3.member.name", "pipeline.stages.5.member.actions.1.member.inputArtifacts.1.member",
        ])
        let golden = try String(contentsOf: try Fixtures.url("invalid/five-mistakes.error.txt"), encoding: .utf8)
        #expect(error?.description == golden.trimmingCharacters(in: .newlines))
    }

    @Test func aSingleStructuralProblemIsReportedAsItsOwnMessage() throws {
        var declaration = try Fixtures.declaration("valid/five-stage.json")
        declaration.pipelineType = "V1"
        let error = #expect(throws: PipelineValidationError.self) { try declaration.validate() }
        #expect(error?.exception == .invalidStructure)
        #expect(error?.description == "QUEUED mode can only be used with V2 pipelines")
    }

    @Test func v2ParametersMakeAPipelineV2() throws {
        var declaration = try Fixtures.declaration("valid/cross-stage-variables.json")
        declaration.pipelineType = nil
        try declaration.validate()
        #expect(declaration.effectivePipelineType == "V2")
        #expect(try Fixtures.declaration("valid/legacy-v1.json").effectivePipelineType == "V1")
    }
}
