import Testing

@testable import Domain

@Suite("Leaderboard paging")
struct LeaderboardPagingTests {
    @Test(arguments: [(nil, 1), ("1", 1), ("2", 2), ("007", 7), ("100000", 100_000)] as [(String?, Int)])
    func pageNumbers(_ text: String?, _ page: Int) throws {
        #expect(try LeaderboardPaging.parse(text).page == page)
    }

    @Test(arguments: [
        ("", LeaderboardPaging.Problem.notANumber), ("-1", .notANumber), ("1e3", .notANumber), ("0x10", .notANumber),
        ("+2", .notANumber), (" 2", .notANumber), ("2.0", .notANumber), ("٣", .notANumber), ("1'--", .notANumber),
        ("0", .outOfRange), ("000", .outOfRange), ("100001", .outOfRange), ("9223372036854775808", .outOfRange),
        (String(repeating: "9", count: 400), .outOfRange),
    ])
    func refusedPageNumbers(_ text: String, _ problem: LeaderboardPaging.Problem) {
        #expect(throws: problem) { try LeaderboardPaging.parse(text) }
    }

    @Test(arguments: [(0, 1), (1, 1), (50, 1), (51, 2), (100_000, 2000)])
    func pageCounts(_ total: Int, _ pages: Int) {
        #expect(LeaderboardPaging.pageCount(total: total) == pages)
    }

    @Test func offsetsAndThePageAfterTheEnd() {
        #expect(LeaderboardPaging(page: 3).offset == 100)
        #expect(!LeaderboardPaging(page: 1).isPastEnd(total: 0))
        #expect(!LeaderboardPaging(page: 2).isPastEnd(total: 51))
        #expect(LeaderboardPaging(page: 3).isPastEnd(total: 100))
        #expect(LeaderboardPaging.page(of: 0) == 1)
        #expect(LeaderboardPaging.page(of: 49) == 1)
        #expect(LeaderboardPaging.page(of: 50) == 2)
    }

    @Test(arguments: [(0, 1, 0...0), (0, 10, 0...2), (1, 10, 0...3), (5, 10, 3...7), (9, 10, 7...9), (8, 10, 6...9)])
    func placesAroundTheViewer(_ index: Int, _ total: Int, _ shown: ClosedRange<Int>) {
        #expect(LeaderboardPaging.around(index, total: total) == shown)
    }
}
