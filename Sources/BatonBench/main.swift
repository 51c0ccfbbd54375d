import ArgumentParser
import BatonAllocator
import BatonModel
import Foundation
import Logging
import ZeroMQ

// baton-bench: Baton's dispatch cycle, throughput and artifact transfer, each next to what the
// same machine does with raw libzmq and SHA-256. `scripts/bench` builds it in release mode and runs it.

// BATON_BENCH_LOG=warning (or info, debug…) shows more of what the coordinator and workers log.
let benchLogLevel = ProcessInfo.processInfo.environment["BATON_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
var logger = Logger(label: "baton-bench")
logger.logLevel = benchLogLevel
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = benchLogLevel
    return handler
}

/// A progress line on standard error, shown at once even through a pipe.
func progress(_ text: String) {
    FileHandle.standardError.write(Data("baton-bench: \(text)\n".utf8))
}

func row(_ name: String, _ value: String, _ baseline: String, _ ratio: String) {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
          + value.padding(toLength: 16, withPad: " ", startingAt: 0)
          + baseline.padding(toLength: 27, withPad: " ", startingAt: 0) + ratio)
}

func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

struct BenchOptions: ParsableArguments {
    @Option(help: "Size of the artifact the hop moves, in MiB.")
    var artifactMib = 256
    @Option(help: "Executions of each pipeline in the throughput scenario.")
    var executions = 300
    @Option(help: "No-op actions in the second stage of each throughput execution, after its source action. Runs at two widths separate what an execution costs from what an action costs.")
    var fanOut = 10
    @Option(help: "Clients starting each throughput pipeline's executions, each on a connection of its own, one start after another.")
    var clientsPerPipeline = 4
    @Flag(help: "Run only the no-op action cycle.")
    var onlyCycle = false
    @Flag(help: "Run only the throughput scenario.")
    var onlyThroughput = false
    @Flag(help: "Run only the artifact hop.")
    var onlyArtifacts = false

    func validate() throws {
        guard artifactMib > 0, executions > 0, fanOut > 0, clientsPerPipeline > 0 else {
            throw ValidationError("--artifact-mib, --executions, --fan-out and --clients-per-pipeline must be positive")
        }
    }
}

let options = BenchOptions.parseOrExit()
let bigMegabytes = options.artifactMib
let onlyCycle = options.onlyCycle
let onlyArtifacts = options.onlyArtifacts
let onlyThroughput = options.onlyThroughput
let throughputExecutions = options.executions
let fanOut = options.fanOut
let clientsPerPipeline = options.clientsPerPipeline

// The coordinator and workers ask for SCHED_BATCH I/O threads; say whether the system allowed it,
// since the throughput figure depends on it (performance-history.md, session 13).
let ioThreads = ZeroMQContext.mayUseBatchScheduling() ? "SCHED_BATCH" : "the default policy (SCHED_BATCH refused)"
print("baton-bench on \(ProcessInfo.processInfo.activeProcessorCount) cores; libzmq I/O threads run as \(ioThreads); malloc: \(MemoryAllocator.current().tag)")
do {
    try await measure()
} catch {
    FileHandle.standardError.write(Data("baton-bench: \(String(describing: error).prefix(2000))\n".utf8))
    exit(1)
}

func measure() async throws {
progress("raw libzmq round trips…")
let raw = try RawBaselines.zeroMQRoundTrip(count: 20_000)
progress("SHA-256…")
let sha = RawBaselines.sha256Speed(megabytes: 1024)
progress("no-op action cycle…")

let cluster = try await BenchCluster.start(logger: logger)
// Every way out, the --only-… runs and errors included: each run leaves about 770 MiB (the
// durable-write baseline, the 256 MiB artifact three times over) in the temporary directory.
defer { cluster.remove() }
progress("durable file write…")
let diskWrite = try RawBaselines.durableWriteSpeed(megabytes: bigMegabytes, in: cluster.root)
let scenarios = Scenarios(cluster: cluster, timeline: Timeline())
if onlyArtifacts {
    let transfer = try await scenarios.artifactTransfer(megabytes: bigMegabytes)
    print("artifact transfer \(f(transfer.perTransfer, 0)) MiB/s per transfer, hop \(f(transfer.hopSeconds, 2)) s; SHA-256 \(f(sha, 0)) MiB/s; durable file write \(f(diskWrite, 0)) MiB/s")
    return
}
if onlyThroughput {
    let throughput = try await scenarios.throughput(pipelines: 4, executionsEach: throughputExecutions, fanOut: fanOut, clientsPerPipeline: clientsPerPipeline)
    print("\(f(throughput, 0)) no-op actions/s: \(scenarios.lastThroughputActions) actions in \(f(scenarios.lastThroughputSeconds, 2)) s; "
          + "per action \(f(scenarios.lastThroughputCost.cpuMilliseconds)) ms CPU, \(f(scenarios.lastThroughputCost.contextSwitches, 1)) context switches; "
          + "\(clientsPerPipeline) clients a pipeline, the last start returned after \(f(scenarios.lastThroughputStartsSeconds, 2)) s")
    return
}
let cycle = try await scenarios.cycle(executions: 80)
if onlyCycle {
    print("cycle p50 \(f(cycle.p50)) ms, p99 \(f(cycle.p99)) ms over \(cycle.count) samples")
    return
}
progress("throughput…")
let throughput = try await scenarios.throughput(pipelines: 4, executionsEach: throughputExecutions, fanOut: fanOut, clientsPerPipeline: clientsPerPipeline)
progress("artifact transfer…")
let transfer = try await scenarios.artifactTransfer(megabytes: bigMegabytes)

print("")
row("measure", "Baton", "raw baseline", "ratio")
row("no-op action cycle p50 (ms)", f(cycle.p50), "zmq round trip \(f(raw.p50))", f(cycle.p50 / raw.p50, 1) + "×")
row("no-op action cycle p99 (ms)", f(cycle.p99), "zmq round trip \(f(raw.p99))", f(cycle.p99 / raw.p99, 1) + "×")
row("no-op actions/s, 2 workers, 4 pipelines", f(throughput, 0), "zmq round trips/s \(f(1000 / raw.p50, 0))", f(throughput / (1000 / raw.p50), 2) + "×")
row("  CPU per action (ms), all threads", f(scenarios.lastThroughputCost.cpuMilliseconds), "", "")
row("  context switches per action", f(scenarios.lastThroughputCost.contextSwitches, 1), "", "")
row("artifact transfer, \(bigMegabytes) MiB (MiB/s)", f(transfer.perTransfer, 0), "SHA-256 \(f(sha, 0)) MiB/s", f(transfer.perTransfer / sha * 100, 0) + "%")
row("", "", "durable write \(f(diskWrite, 0)) MiB/s", f(transfer.perTransfer / diskWrite * 100, 0) + "%")
print("")
print("cycle samples: \(cycle.count); throughput: \(scenarios.lastThroughputActions) actions in \(f(scenarios.lastThroughputSeconds, 2)) s "
      + "(\(clientsPerPipeline) clients a pipeline, the last start returned after \(f(scenarios.lastThroughputStartsSeconds, 2)) s); "
      + "artifact hop (upload, commit, dispatch, download, both ends verified): \(f(transfer.hopSeconds, 2)) s")
}
exit(0)
