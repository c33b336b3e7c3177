import Testing

@testable import Domain

@Suite("Journal insights: ranges, buckets and the CSV export's fields")
struct JournalInsightsRulesTests {
    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    @Test func rangesFromTheQuery() {
        #expect(InsightsRange(query: nil) == .month)
        #expect(InsightsRange(query: "") == .month)
        #expect(InsightsRange(query: "week") == .week)
        #expect(InsightsRange(query: "all") == .all)
        for refused in ["WEEK", "year", " all", "week ", "1", "' OR 1=1"] { #expect(InsightsRange(query: refused) == nil) }
    }

    @Test func aRangeCountsTodayAsItsLastDay() {
        let today = Self.day("2025-03-01")
        #expect(InsightsRange.week.firstDay(today: today, journalStart: nil) == Self.day("2025-02-23"))
        #expect(InsightsRange.month.firstDay(today: today, journalStart: Self.day("2020-01-01")) == Self.day("2025-01-31"))
        #expect(InsightsRange.all.firstDay(today: today, journalStart: Self.day("2024-12-25")) == Self.day("2024-12-25"))
        #expect(InsightsRange.all.firstDay(today: today, journalStart: nil) == today, "no journal yet: today alone")
        #expect(InsightsRange.all.firstDay(today: today, journalStart: Self.day("2025-03-04")) == today)
    }

    @Test func bucketsGrowWithTheSpan() {
        let last = Self.day("2025-06-30")
        #expect(InsightsBucket.fitting(from: last.adding(days: -30), through: last) == .day)
        #expect(InsightsBucket.fitting(from: last.adding(days: -31), through: last) == .week)
        #expect(InsightsBucket.fitting(from: last.adding(days: -181), through: last) == .week)
        #expect(InsightsBucket.fitting(from: last.adding(days: -182), through: last) == .month)
    }

    @Test func bucketStartsCoverEveryDayOnce() {
        // 2025-03-05 is a Wednesday; weeks start on Monday, months on the 1st (December to January too).
        #expect(
            InsightsBucket.week.starts(from: Self.day("2025-03-05"), through: Self.day("2025-03-17"))
                == ["2025-03-03", "2025-03-10", "2025-03-17"].map(Self.day))
        #expect(
            InsightsBucket.month.starts(from: Self.day("2024-11-30"), through: Self.day("2025-02-01"))
                == ["2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01"].map(Self.day))
        #expect(InsightsBucket.day.starts(from: Self.day("2025-02-27"), through: Self.day("2025-03-01")).count == 3)
        #expect(InsightsBucket.day.starts(from: Self.day("2025-03-02"), through: Self.day("2025-03-01")).isEmpty)
        #expect(InsightsBucket.week.label(Self.day("2025-03-03")) == "week of 2025-03-03")
        #expect(InsightsBucket.month.label(Self.day("2025-03-01")) == "2025-03")
    }

    @Test func csvQuotesWhatNeedsItAndDefusesFormulas() {
        #expect(JournalCSV.field("plain words") == "plain words")
        #expect(JournalCSV.field("a, b") == "\"a, b\"")
        #expect(JournalCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(JournalCSV.field("two\r\nlines") == "\"two\r\nlines\"")
        #expect(JournalCSV.field("=1+2") == "'=1+2")
        #expect(JournalCSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(JournalCSV.field("-3") == "'-3")
        #expect(JournalCSV.field("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")
        #expect(JournalCSV.field("") == "")
        #expect(JournalCSV.line(["day", "a,b", ""]) == "day,\"a,b\",\r\n")
    }
}
