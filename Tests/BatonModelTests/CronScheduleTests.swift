import Foundation
import Testing
@testable import BatonModel

@Suite struct CronScheduleTests {
    /// 2026-11-27 (a Friday) at the given UTC time.
    static func friday(_ hour: Int, _ minute: Int, second: Int = 0) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let date = calendar.date(from: DateComponents(year: 2026, month: 11, day: 27, hour: hour, minute: minute, second: second)) ?? Date()
        return Timestamp(secondsSince1970: date.timeIntervalSince1970)
    }

    @Test func weekdayBusinessHoursContainFridayAfternoonButNotFridayNight() throws {
        let window = try CronSchedule("* * 9-16 ? * MON-FRI")
        #expect(window.contains(Self.friday(14, 5)))
        #expect(!window.contains(Self.friday(17, 0)))
        #expect(!window.contains(Self.friday(8, 59, second: 59)))
    }

    @Test func theNextOpeningAfterFridayEveningIsMondayMorning() throws {
        let window = try CronSchedule("* * 9-16 ? * MON-FRI")
        let opening = try #require(window.nextOpening(after: Self.friday(18, 30)))
        #expect(opening.secondsSince1970 == Self.friday(9, 0).secondsSince1970 + 3 * 86_400)
    }

    @Test func aMomentInsideTheWindowIsItsOwnOpening() throws {
        let window = try CronSchedule("* 0/15 * * * ?")
        #expect(window.nextOpening(after: Self.friday(10, 15, second: 30)) == Self.friday(10, 15, second: 30))
        #expect(window.nextOpening(after: Self.friday(10, 16)) == Self.friday(10, 30))
    }

    @Test func theTimeZoneShiftsTheWindow() throws {
        let window = try CronSchedule("* * 9 ? * *", timeZone: "Asia/Tokyo")  // 09:xx in Tokyo is 00:xx UTC
        #expect(window.contains(Self.friday(0, 30)))
        #expect(!window.contains(Self.friday(9, 30)))
    }

    @Test func lastDayAndNthWeekdayFollowQuartz() throws {
        #expect(try CronSchedule("* * * L * ?").contains(Self.friday(0, 0).adding(seconds: 3 * 86_400)))  // 30 November
        #expect(try CronSchedule("* * * ? * 6#4").contains(Self.friday(12, 0)))   // the fourth Friday
        #expect(try CronSchedule("* * * ? * 6L").contains(Self.friday(12, 0)))    // the last Friday of November
        #expect(!(try CronSchedule("* * * ? * 6#1").contains(Self.friday(12, 0))))
        #expect(try CronSchedule("* * * 27W * ?").contains(Self.friday(12, 0)))
    }

    @Test(arguments: [
        ("* * 9-16 ? *", "has 5 fields"),
        ("* * 25 ? * *", "'25' is not in 0-23"),
        ("* * 9 ? * FUNDAY", "'FUNDAY' is not in 1-7"),
        ("* * 9 1 * MON", "either day-of-month or day-of-week"),
        ("* 5/0 * ? * *", "step after '/' must be a positive number"),
        ("* 30-10 * ? * *", "runs backwards"),
    ])
    func malformedExpressionsAreRefusedSayingWhy(_ expression: String, _ expected: String) {
        #expect {
            _ = try CronSchedule(expression)
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }

    @Test func anUnknownTimeZoneIsRefused() {
        #expect(throws: CronSchedule.ParseError.self) { _ = try CronSchedule("* * * ? * *", timeZone: "Mars/Olympus") }
    }
}
