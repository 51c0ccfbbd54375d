import Foundation

/// The scheduling policies (`/proc/PID/task/TID/stat` field 41: 0 is `SCHED_OTHER`, 3
/// `SCHED_BATCH`) of a process's threads that carry `name`.
package func schedulingPolicies(ofThreadsNamed name: String, in process: String = "self") -> [Int] {
    let tasks = "/proc/\(process)/task"
    let ids = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
    return ids.compactMap { id in
        guard let comm = try? String(contentsOfFile: "\(tasks)/\(id)/comm", encoding: .utf8),
              comm.trimmingCharacters(in: .newlines) == name,
              let stat = try? String(contentsOfFile: "\(tasks)/\(id)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards)
        else { return nil }
        // The fields after the name start with the third (state), so the 41st is the 39th here.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        return fields.count > 38 ? Int(fields[38]) : nil
    }
}
