import BatonModel
import BatonWorker
import Foundation
import Logging
import Synchronization
import Testing
import ZIPFoundation
@testable import BatonActions

@Suite struct CodeBuildProviderTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-codebuild-\(UUID().uuidString.prefix(8))")

    /// A CodeBuild job whose inputs hold `inputs` (artifact name → path → content), zipped.
    func job(
        _ configuration: [String: String] = ["ProjectName": "app"], inputs: [String: [String: String]], outputs: [String] = [],
        log: @escaping @Sendable ([UInt8]) -> Void = { _ in }
    ) throws -> JobContext {
        var archives: [String: URL] = [:]
        var artifacts: [JobArtifact] = []
        for (name, files) in inputs.sorted(by: { $0.key < $1.key }) {
            let archive = root.appendingPathComponent("\(name).zip")
            try TestArchives.zip(files, in: root.appendingPathComponent("input-\(name)"), to: archive)
            archives[name] = archive
            artifacts.append(JobArtifact(name: name, revision: "rev-\(name)"))
        }
        let data = JobData(
            actionTypeId: ActionTypeID(category: "Build", owner: "AWS", provider: "CodeBuild", version: "1"), configuration: configuration,
            pipelineContext: PipelineContext(pipelineName: "shop", stageName: "Build", actionName: "Compile", actionExecutionID: ActionExecutionID(rawValue: "x"), executionID: ExecutionID(rawValue: "e")),
            inputArtifacts: artifacts, outputArtifacts: outputs.map { JobArtifact(name: $0) })
        return JobContext(
            jobID: JobID(rawValue: "j"), data: data, workDirectory: root.appendingPathComponent("job/src"), inputs: archives,
            outputDirectory: root.appendingPathComponent("job/out"), logger: Logger(label: "test"), log: log)
    }

    func entries(_ url: URL?) throws -> [String: String] {
        let archive = try Archive(url: try #require(url), accessMode: .read)
        var result: [String: String] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            result[entry.path] = String(decoding: data, as: UTF8.self)
        }
        return result
    }

    static let junit = """
        <?xml version="1.0"?>
        <testsuite name="unit" tests="4">
          <testcase name="adds"/>
          <testcase name="subtracts"/>
          <testcase name="divides"><failure message="by zero">boom</failure></testcase>
          <testcase name="later"><skipped/></testcase>
        </testsuite>
        """

    @Test func phasesShareOneShellAndProduceArtifactsVariablesAndReports() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let buildspec = """
            version: 0.2
            env:
              variables:
                GREETING: hello
                OVERRIDDEN: from-buildspec
              parameter-store:
                DB_HOST: /shop/db-host
              secrets-manager:
                DB_PASSWORD: shop/db:password
              exported-variables:
                - VERSION
                - GREETING
            phases:
              install:
                commands:
                  - mkdir -p dist
                  - cd dist
              build:
                commands:
                  - echo "$GREETING $OVERRIDDEN $DB_HOST $DB_PASSWORD" > out.txt
                  - cat "$CODEBUILD_SRC_DIR_Lib/lib.txt" >> out.txt
                  - echo "$CODEBUILD_INITIATOR $CODEBUILD_RESOLVED_SOURCE_VERSION ${CODEBUILD_BUILD_ID%%:*}" >> out.txt
                  - export VERSION=1.4.2
                  - mkdir -p ../reports && printf '%s' "$JUNIT" > ../reports/unit.xml
                  - echo skip > debug.log
                finally:
                  - echo finally > finally.txt
              post_build:
                commands:
                  - echo "succeeding=$CODEBUILD_BUILD_SUCCEEDING" > post.txt
            artifacts:
              files:
                - '**/*'
              base-directory: dist
              exclude-paths:
                - '*.log'
              secondary-artifacts:
                Flat:
                  files:
                    - dist/out.txt
                    - main.c
                  discard-paths: yes
            reports:
              unit:
                files:
                  - '**/*.xml'
                base-directory: reports
            """
        let secrets = root.appendingPathComponent("secrets.json")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(#"{"parameters": {"/shop/db-host": "db.internal"}, "secrets": {"shop/db": "{\"password\": \"s3cret\"}"}}"#.utf8).write(to: secrets)
        let variables = #"[{"name": "OVERRIDDEN", "value": "from-pipeline", "type": "PLAINTEXT"}, {"name": "JUNIT", "value": "\#(Self.junit.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))"}]"#
        let logged = Mutex<[UInt8]>([])
        let job = try job(
            ["ProjectName": "shop-build", "EnvironmentVariables": variables, "PrimarySource": "Src"],
            inputs: ["Src": ["buildspec.yml": buildspec, "main.c": "int main(){}\n"], "Lib": ["lib.txt": "lib\n"]],
            outputs: ["Dist", "Flat"], log: { bytes in logged.withLock { $0 += bytes } })
        let result = try await CodeBuildProvider(secretsFile: secrets).run(job)
        guard case .succeeded(let products) = result else { Issue.record("expected success, got \(result)"); return }
        #expect(products.variables == ["VERSION": "1.4.2", "GREETING": "hello"])
        #expect(products.summary == "Build shop-build succeeded (3 phases). Reports: unit 2 passed, 1 failed, 1 skipped")
        let dist = try entries(products.artifacts["Dist"])
        #expect(Set(dist.keys) == ["out.txt", "finally.txt", "post.txt"])
        #expect(dist["out.txt"] == "hello from-pipeline db.internal s3cret\nlib\ncodepipeline/shop rev-Src shop-build\n")
        #expect(dist["post.txt"] == "succeeding=1\n")
        #expect(try entries(products.artifacts["Flat"]).keys.sorted() == ["main.c", "out.txt"])
        // The report itself is kept in the job's log, which the worker uploads as an artifact.
        let log = logged.withLock { String(decoding: $0, as: UTF8.self) }
        #expect(log.contains("[Container] Report group unit: unit.xml (2 passed, 1 failed, 1 skipped)\n<?xml"))
        #expect(log.contains("<failure message=\"by zero\">boom</failure>"))
    }

    @Test func aFailedBuildStillRunsPostBuildAndFinallyAndNamesTheCommand() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let buildspec = """
            version: 0.2
            phases:
              build:
                commands:
                  - echo compiling
                  - exit_code=3; (exit $exit_code)
                  - touch never
                finally:
                  - touch finally-ran
              post_build:
                commands:
                  - echo "post sees $CODEBUILD_BUILD_SUCCEEDING" > post.txt
            """
        let job = try job(inputs: ["Src": ["buildspec.yml": buildspec]])
        let result = try await CodeBuildProvider().run(job)
        guard case .failed(let failure) = result else { Issue.record("expected failure"); return }
        #expect(failure.type == .jobFailed)
        #expect(failure.message.hasPrefix("COMMAND_EXECUTION_ERROR in phase BUILD: Error while executing command: exit_code=3; (exit $exit_code). Reason: exit status 3"))
        let work = job.workDirectory
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("never").path))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("finally-ran").path))
        #expect(try String(contentsOf: work.appendingPathComponent("post.txt"), encoding: .utf8) == "post sees 0\n")
    }

    @Test func aFailedInstallSkipsTheRestButContinueGoesOn() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let aborting = """
            version: 0.2
            phases:
              install:
                commands: [ "false" ]
              build:
                commands: [ touch built ]
              post_build:
                commands: [ touch posted ]
            """
        let first = try job(inputs: ["Src": ["buildspec.yml": aborting]])
        guard case .failed(let failure) = try await CodeBuildProvider().run(first) else { Issue.record("expected failure"); return }
        #expect(failure.message.contains("in phase INSTALL"))
        for name in ["built", "posted"] {
            #expect(!FileManager.default.fileExists(atPath: first.workDirectory.appendingPathComponent(name).path))
        }

        try? FileManager.default.removeItem(at: root)
        let continuing = aborting.replacingOccurrences(of: "  install:\n", with: "  install:\n    on-failure: CONTINUE\n")
        let second = try job(inputs: ["Src": ["buildspec.yml": continuing]])
        guard case .failed = try await CodeBuildProvider().run(second) else { Issue.record("CONTINUE still fails the build"); return }
        for name in ["built", "posted"] {
            #expect(FileManager.default.fileExists(atPath: second.workDirectory.appendingPathComponent(name).path))
        }
    }

    @Test func anInlineBuildSpecOverridesTheFileAndAMissingOneIsNamed() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let inline = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo inline > which.txt\nartifacts:\n  files: [which.txt]\n"
        let job = try job(["ProjectName": "p", "BuildSpec": inline], inputs: ["Src": ["buildspec.yml": "version: 0.2\nphases: {}\n"]], outputs: ["Out"])
        guard case .succeeded(let products) = try await CodeBuildProvider().run(job) else { Issue.record("expected success"); return }
        #expect(try entries(products.artifacts["Out"]) == ["which.txt": "inline\n"])

        try? FileManager.default.removeItem(at: root)
        let missing = try self.job(["ProjectName": "p", "BuildSpec": "ci/buildspec-test.yml"], inputs: ["Src": ["main.c": ""]])
        guard case .failed(let failure) = try await CodeBuildProvider().run(missing) else { Issue.record("expected failure"); return }
        #expect(failure.message == "YAML_FILE_ERROR: ci/buildspec-test.yml: not found in the primary source artifact")
    }

    @Test func aMissingSecretFailsWithItsName() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let buildspec = "version: 0.2\nenv:\n  secrets-manager:\n    TOKEN: deploy/token\nphases:\n  build:\n    commands: [ 'true' ]\n"
        let job = try job(inputs: ["Src": ["buildspec.yml": buildspec]])
        guard case .failed(let failure) = try await CodeBuildProvider().run(job) else { Issue.record("expected failure"); return }
        #expect(failure.type == .configurationError)
        #expect(failure.message == "secret deploy/token is not in (no --secrets file)")
    }
}

@Suite struct BuildspecTests {
    @Test func readsEverySection() throws {
        let spec = try Buildspec(yaml: """
            version: 0.2
            env:
              variables: { A: "1", B: 2 }
              exported-variables: [ A ]
            phases:
              build:
                on-failure: CONTINUE
                commands:
                  - make
                  - |
                    echo multi
                    echo line
            artifacts:
              files: '**/*'
              discard-paths: yes
            """, source: "buildspec.yml")
        #expect(spec.variables.map { "\($0.0)=\($0.1)" } == ["A=1", "B=2"])
        #expect(spec.exportedVariables == ["A"])
        #expect(spec.phases["build"] == Buildspec.Phase(commands: ["make", "echo multi\necho line\n"], onFailure: .continue))
        #expect(spec.artifacts == Buildspec.Artifacts(files: ["**/*"], discardPaths: true))
    }

    @Test(arguments: [
        ("version: 0.3\nphases: {}", "buildspec.yml: version: must be 0.2, not 0.3"),
        ("version: 0.2\nphases:\n  biuld:\n    commands: [make]", "buildspec.yml: phases.biuld: is not a phase (expected install, pre_build, build, post_build)"),
        ("version: 0.2\nphases:\n  build:\n    commands:\n      - echo: oops", "buildspec.yml: phases.build.commands[0]: must be a string (quote a command that contains ': ')"),
        ("version: 0.2\nphases:\n  build:\n    on-failure: RETRY\n    commands: [make]", "buildspec.yml: phases.build.on-failure: must be ABORT or CONTINUE, not RETRY"),
        ("version: 0.2\nartifact:\n  files: [a]", "buildspec.yml: artifact: is not a buildspec key"),
        ("- just\n- a list", "buildspec.yml: must be a YAML mapping with version and phases"),
    ])
    func problemsNameTheirPlace(yaml: String, expected: String) {
        #expect {
            _ = try Buildspec(yaml: yaml, source: "buildspec.yml")
        } throws: { error in
            "\(error)".hasPrefix(expected)
        }
    }
}
