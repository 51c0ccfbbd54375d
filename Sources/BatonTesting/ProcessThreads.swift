import Foundation

/// A process's threads as `/proc` shows them: each one's name (`comm`) and its `stat` line.
/// Threads end while they are being read; those are left out, not reported as errors.
package func processThreads(_ process: String = "self") -> [(name: String, stat: String)] {
    let tasks = "/proc/\(process)/task"
    let ids = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
    return ids.compactMap { id in
        guard let comm = try? String(contentsOfFile: "\(tasks)/\(id)/comm", encoding: .utf8),
              let stat = try? String(contentsOfFile: "\(tasks)/\(id)/stat", encoding: .utf8)
        else { return nil }
        return (comm.trimmingCharacters(in: .newlines), stat)
    }
}

/// The scheduling policies (`stat` field 41: 0 is `SCHED_OTHER`, 3 `SCHED_BATCH`, 5
/// `SCHED_IDLE`) of a process's threads named `name`.
package func schedulingPolicies(ofThreadsNamed name: String, in process: String = "self") -> [Int] {
    processThreads(process).compactMap { thread in
        guard thread.name == name, let afterName = thread.stat.range(of: ")", options: .backwards) else { return nil }
        // The fields after the name start with the third (state), so the 41st is the 39th here.
        let fields = thread.stat[afterName.upperBound...].split(separator: " ")
        return fields.count > 38 ? Int(fields[38]) : nil
    }
}
