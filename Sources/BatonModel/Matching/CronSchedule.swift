import Foundation

/// A deployment window as CodePipeline's `DeploymentWindow` rule writes it: a Quartz-style cron
/// expression of six fields and an optional seventh (seconds, minutes, hours, day-of-month,
/// month, day-of-week, year) in a time zone. A moment is inside the window when its minute
/// matches; the seconds field is checked for syntax but windows are a minute wide.
///
/// Day-of-month takes `L`, `L-n`, `nW` and `LW`; day-of-week (1 = SUN … 7 = SAT) takes `nL`
/// (the last such weekday of the month) and `n#k` (the k-th). Months and weekdays also take
/// their three-letter names.
package struct CronSchedule: Sendable, Hashable {
    package let expression: String
    package let timeZone: TimeZone
    private let minutes: Set<Int>
    private let hours: Set<Int>
    private let months: Set<Int>
    private let years: Set<Int>?
    private let dayOfMonth: DayOfMonth
    private let dayOfWeek: DayOfWeek

    package struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    private enum DayOfMonth: Hashable {
        case any
        case days(Set<Int>)
        case last(offset: Int)
        case nearestWeekday(Int)
        case lastWeekday
    }

    private enum DayOfWeek: Hashable {
        case any
        case days(Set<Int>)
        case last(Int)
        case nth(Int, Int)
    }

    package init(_ expression: String, timeZone identifier: String? = nil) throws(ParseError) {
        self.expression = expression
        if let identifier {
            guard let zone = TimeZone(identifier: identifier) else {
                throw ParseError(message: "TimeZone \(identifier) is not a time zone name (for example Europe/Berlin or UTC)")
            }
            timeZone = zone
        } else {
            timeZone = TimeZone(identifier: "UTC") ?? .current
        }
        let fields = expression.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 6 || fields.count == 7 else {
            throw ParseError(message: "Cron '\(expression)' has \(fields.count) fields; it needs 6 (seconds minutes hours day-of-month month day-of-week) and an optional year")
        }
        _ = try Self.values(fields[0], "seconds", 0...59)
        minutes = try Self.values(fields[1], "minutes", 0...59)
        hours = try Self.values(fields[2], "hours", 0...23)
        months = try Self.values(fields[4], "month", 1...12, names: Self.monthNames)
        years = fields.count == 7 ? try Self.values(fields[6], "year", 1970...2199) : nil
        dayOfMonth = try Self.parseDayOfMonth(fields[3])
        dayOfWeek = try Self.parseDayOfWeek(fields[5])
        if dayOfMonth != .any, dayOfWeek != .any {
            throw ParseError(message: "Cron '\(expression)': give either day-of-month or day-of-week and '?' in the other")
        }
    }

    /// Whether `time` falls in a minute the expression allows.
    package func contains(_ time: Timestamp) -> Bool {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: time.date)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
              let hour = parts.hour, let minute = parts.minute
        else { return false }
        return minutes.contains(minute) && hours.contains(hour) && dayMatches(year: year, month: month, day: day)
    }

    /// The first whole minute at or after `time` inside the window, looking at most five years
    /// ahead; nil when the expression never matches in that span (say, `L` on a year gone by).
    package func nextOpening(after time: Timestamp) -> Timestamp? {
        if contains(time) { return time }
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        guard var day = calendar.date(from: calendar.dateComponents([.year, .month, .day], from: time.date)) else { return nil }
        for _ in 0..<(5 * 366) {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            if let year = parts.year, let month = parts.month, let dayNumber = parts.day,
               dayMatches(year: year, month: month, day: dayNumber) {
                for hour in sortedHours {
                    for minute in sortedMinutes {
                        guard let candidate = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day) else { continue }
                        if candidate.timeIntervalSince1970 + 60 > time.secondsSince1970 {
                            return Timestamp(secondsSince1970: max(candidate.timeIntervalSince1970, time.secondsSince1970))
                        }
                    }
                }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = next
        }
        return nil
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func dayMatches(year: Int, month: Int, day: Int) -> Bool {
        guard months.contains(month), years?.contains(year) ?? true,
              let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let length = calendar.range(of: .day, in: .month, for: first)?.count,
              let date = calendar.date(from: DateComponents(year: year, month: month, day: day))
        else { return false }
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday, as Quartz counts
        let domOK: Bool = switch dayOfMonth {
        case .any: true
        case .days(let days): days.contains(day)
        case .last(let offset): day == length - offset
        case .nearestWeekday(let target): day == nearestWeekday(to: min(target, length), length: length, year: year, month: month)
        case .lastWeekday: day == nearestWeekday(to: length, length: length, year: year, month: month)
        }
        let dowOK: Bool = switch dayOfWeek {
        case .any: true
        case .days(let days): days.contains(weekday)
        case .last(let target): weekday == target && day + 7 > length
        case .nth(let target, let nth): weekday == target && (day - 1) / 7 + 1 == nth
        }
        return domOK && dowOK
    }

    /// Quartz's `W`: the weekday nearest the given day, never crossing into another month.
    private func nearestWeekday(to target: Int, length: Int, year: Int, month: Int) -> Int {
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: target)) else { return target }
        switch calendar.component(.weekday, from: date) {
        case 7: return target == 1 ? 3 : target - 1          // Saturday → Friday (or Monday the 3rd)
        case 1: return target == length ? target - 2 : target + 1  // Sunday → Monday (or Friday)
        default: return target
        }
    }

    // MARK: - Parsing

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    private static func parseDayOfMonth(_ field: String) throws(ParseError) -> DayOfMonth {
        switch field {
        case "?", "*": return .any
        case "L": return .last(offset: 0)
        case "LW": return .lastWeekday
        default: break
        }
        if field.hasPrefix("L-"), let offset = Int(field.dropFirst(2)), (0...30).contains(offset) { return .last(offset: offset) }
        if field.hasSuffix("W") {
            guard let day = Int(field.dropLast()), (1...31).contains(day) else {
                throw ParseError(message: "Cron day-of-month '\(field)': W follows a day from 1 to 31")
            }
            return .nearestWeekday(day)
        }
        return .days(try values(field, "day-of-month", 1...31))
    }

    private static func parseDayOfWeek(_ field: String) throws(ParseError) -> DayOfWeek {
        switch field {
        case "?", "*": return .any
        case "L": return .days([7])
        default: break
        }
        if field.hasSuffix("L") {
            return .last(try weekday(String(field.dropLast()), field))
        }
        if let hash = field.firstIndex(of: "#") {
            let day = try weekday(String(field[..<hash]), field)
            guard let nth = Int(field[field.index(after: hash)...]), (1...5).contains(nth) else {
                throw ParseError(message: "Cron day-of-week '\(field)': # is followed by 1 to 5")
            }
            return .nth(day, nth)
        }
        return .days(try values(field, "day-of-week", 1...7, names: weekdayNames))
    }

    private static func weekday(_ text: String, _ field: String) throws(ParseError) -> Int {
        if let number = Int(text), (1...7).contains(number) { return number }
        if let index = weekdayNames.firstIndex(of: text.uppercased()) { return index + 1 }
        throw ParseError(message: "Cron day-of-week '\(field)': '\(text)' is not a weekday (1-7 or SUN-SAT)")
    }

    /// One field of lists, ranges, steps and `*`.
    private static func values(_ field: String, _ name: String, _ range: ClosedRange<Int>, names: [String] = []) throws(ParseError) -> Set<Int> {
        func number(_ text: Substring) throws(ParseError) -> Int {
            if let value = Int(text), range.contains(value) { return value }
            if let index = names.firstIndex(of: text.uppercased()) { return range.lowerBound + index }
            throw ParseError(message: "Cron \(name) field '\(field)': '\(text)' is not in \(range.lowerBound)-\(range.upperBound)\(names.isEmpty ? "" : " or \(names.first ?? "")-\(names.last ?? "")")")
        }
        var result: Set<Int> = []
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let head = pieces.first, !head.isEmpty else {
                throw ParseError(message: "Cron \(name) field '\(field)' is malformed at '\(part)'")
            }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]), value > 0 else {
                    throw ParseError(message: "Cron \(name) field '\(field)': the step after '/' must be a positive number")
                }
                step = value
            }
            let lower: Int
            var upper: Int
            if head == "*" {
                lower = range.lowerBound
                upper = range.upperBound
            } else if let dash = head.firstIndex(of: "-") {
                lower = try number(head[..<dash])
                upper = try number(head[head.index(after: dash)...])
                guard lower <= upper else {
                    throw ParseError(message: "Cron \(name) field '\(field)': the range \(head) runs backwards")
                }
            } else {
                lower = try number(head)
                upper = pieces.count == 2 ? range.upperBound : lower
            }
            upper = min(upper, range.upperBound)
            result.formUnion(stride(from: lower, through: upper, by: step))
        }
        return result
    }
}

extension Timestamp {
    var date: Date { Date(timeIntervalSince1970: secondsSince1970) }
}
