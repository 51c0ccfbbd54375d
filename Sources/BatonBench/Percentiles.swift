/// Summary statistics of a set of durations, in milliseconds.
struct Percentiles {
    let sorted: [Double]

    init(_ samples: [Double]) {
        sorted = samples.sorted()
    }

    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    var p50: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var count: Int { sorted.count }
}

extension Duration {
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }

    var seconds: Double { milliseconds / 1000 }
}
