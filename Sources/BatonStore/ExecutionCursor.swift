/// Where an execution stands in a pipeline's list, newest first: its start time, then the order
/// in which it was stored. Neither ever changes, so a page that ends at one can be continued.
package struct ExecutionCursor: Sendable, Hashable {
    package let startTime: Double
    package let row: Int64

    package init(startTime: Double, row: Int64) {
        self.startTime = startTime
        self.row = row
    }

    /// As a pagination token: `<start time>_<row>`, the time as the shortest text that reads back
    /// as the same number.
    package var token: String { "\(startTime)_\(row)" }

    package init?(token: String) {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let startTime = Double(parts[0]), startTime.isFinite, let row = Int64(parts[1]) else { return nil }
        self.init(startTime: startTime, row: row)
    }
}
