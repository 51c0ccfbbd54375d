/// A point in time as epoch seconds, the way CodePipeline's JSON carries timestamps.
/// Pure logic receives timestamps as parameters; only the process edge reads the clock.
package struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var secondsSince1970: Double

    package init(secondsSince1970: Double) {
        self.secondsSince1970 = secondsSince1970
    }

    package init(from decoder: any Decoder) throws {
        secondsSince1970 = try decoder.singleValueContainer().decode(Double.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encodedSeconds)
    }

    /// What JSON carries: milliseconds are all CodePipeline shows, and they keep JSON short.
    package var encodedSeconds: Double {
        (secondsSince1970 * 1000).rounded() / 1000
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    package func adding(seconds: Double) -> Timestamp {
        Timestamp(secondsSince1970: secondsSince1970 + seconds)
    }

    package func seconds(since earlier: Timestamp) -> Double {
        secondsSince1970 - earlier.secondsSince1970
    }

    package var description: String { "\(secondsSince1970)" }
}
