import BatonModel
import BatonStore
import DequeModule

/// Jobs waiting for a worker, one first-in-first-out line per pipeline, served round-robin so a
/// pipeline with a thousand ready jobs cannot starve one with a single job.
struct JobQueue {
    struct Entry {
        var job: JobRecord
        var attempt: Int
        /// Workers that rejected the job: it is never offered to them again.
        var excluded: Set<String> = []
        /// When the job became ready, for the dispatch-latency metric.
        var readyAt = ContinuousClock.now
    }

    /// Deques, changed in place: taking the head of a line of thousands costs O(1), not a copy.
    private var lines: [String: Deque<Entry>] = [:]
    private var rotation: [String] = []
    /// How many jobs of each action type each line holds, so a drain can pass over a line that
    /// no worker with credit could take anything from without looking at its jobs one by one.
    private var typeCounts: [String: [ActionTypeID: Int]] = [:]
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ entry: Entry) {
        let pipeline = entry.job.data.pipelineContext.pipelineName
        if lines[pipeline] == nil { rotation.append(pipeline) }
        lines[pipeline, default: []].append(entry)
        counted(entry, in: pipeline, by: 1)
        count += 1
    }

    /// Puts a job back at the head of its pipeline's line (a lost worker's job runs next).
    mutating func prepend(_ entry: Entry) {
        let pipeline = entry.job.data.pipelineContext.pipelineName
        if lines[pipeline] == nil { rotation.append(pipeline) }
        lines[pipeline, default: []].prepend(entry)
        counted(entry, in: pipeline, by: 1)
        count += 1
    }

    mutating func remove(_ id: JobID) -> Entry? {
        var found: (pipeline: String, index: Int)?
        for (pipeline, line) in lines {
            if let index = line.firstIndex(where: { $0.job.id == id }) {
                found = (pipeline, index)
                break
            }
        }
        guard let found, let entry = lines[found.pipeline]?.remove(at: found.index) else { return nil }
        counted(entry, in: found.pipeline, by: -1)
        count -= 1
        if lines[found.pipeline]?.isEmpty == true { drop(found.pipeline) }
        return entry
    }

    /// Offers jobs round-robin across pipelines, each line in order, to `place`, which returns
    /// whether it placed the job. Stops when `hasCapacity` says no worker has credit left.
    /// `mayRun` says whether anything that has capacity runs an action type at all: a line with
    /// no such type is passed over whole, instead of every job in it being offered (thousands,
    /// on every result, while the only free worker runs other types).
    mutating func drain(hasCapacity: () -> Bool, mayRun: (ActionTypeID) -> Bool, place: (Entry) -> Bool) {
        var runnable: [ActionTypeID: Bool] = [:]
        func lineMayRun(_ pipeline: String) -> Bool {
            typeCounts[pipeline]?.keys.contains { type in
                if let known = runnable[type] { return known }
                let answer = mayRun(type)
                runnable[type] = answer
                return answer
            } ?? false
        }
        var progress = true
        while progress, hasCapacity(), !rotation.isEmpty {
            progress = false
            for pipeline in rotation {
                guard hasCapacity(), lines[pipeline] != nil else { break }
                guard lineMayRun(pipeline) else { continue }
                // The first job in this line that some worker can take now. No copy of the line
                // may be alive when it is changed, or the change copies it whole.
                if let index = lines[pipeline]?.firstIndex(where: place), let entry = lines[pipeline]?.remove(at: index) {
                    counted(entry, in: pipeline, by: -1)
                    count -= 1
                    progress = true
                    // A placement took credit: what may run is asked again.
                    runnable = [:]
                }
            }
            for pipeline in rotation where lines[pipeline]?.isEmpty == true { drop(pipeline) }
        }
    }

    var entries: [Entry] { rotation.flatMap { Array(lines[$0] ?? []) } }

    private mutating func drop(_ pipeline: String) {
        lines[pipeline] = nil
        typeCounts[pipeline] = nil
        rotation.removeAll { $0 == pipeline }
    }

    private mutating func counted(_ entry: Entry, in pipeline: String, by change: Int) {
        let type = entry.job.data.actionTypeId
        let total = typeCounts[pipeline, default: [:]][type, default: 0] + change
        typeCounts[pipeline, default: [:]][type] = total > 0 ? total : nil
    }
}
