import Domain
import Foundation
import Web

/// GET /leaderboards: one board, paged, with the viewer's place and neighbours, and last week's
/// final standings beside this week's. Reports and the admin's hand are in
/// `LeaderboardReportHandlers` and `LeaderboardAdminHandlers`.
enum LeaderboardHandlers {
    /// People shown from last week's final standings.
    static let lastWeekShown = 10

    /// GET /leaderboards?board=weekly|monthly|alltime|consistency&page=N&scope=everyone|friends
    static let page: Handler = { ctx in
        let kind = try board(ctx.request.query.values("board"))
        let paging = try paging(ctx.request.query.values("page"))
        let viewer = ctx.userForChrome
        // Among friends: the viewer and their friends on the same board (guests see everyone).
        let friendsOnly = try scope(ctx.request.query.values("scope")) && viewer != nil
        let boards = ctx.services.leaderboards
        let now = Date()
        let snapshot: LeaderboardSnapshot
        if friendsOnly, let viewer {
            let ids = [viewer.id] + (try FriendStore(database: ctx.services.database).friendIDs(of: viewer.id))
            snapshot = try amongFriends(kind, paging, ids: ids, viewer: viewer.id, boards, now)
        } else {
            snapshot =
                try boards.read(kind, paging, viewer: viewer?.id, lastWeekShown: lastWeekShown, now: now) ?? fromDatabase(kind, paging, boards, now)
        }
        func href(_ kind: LeaderboardKind, page: Int) -> String { Self.href(kind, page: page, friends: friendsOnly) }

        var ids = snapshot.entries.map(\.userID) + (snapshot.viewer?.around.map(\.userID) ?? [])
        ids += (snapshot.lastWeek?.top.map(\.userID) ?? []) + (viewer.map { [$0.id] } ?? [])
        let names = try snapshot.fromDatabase ? boards.store.names(of: Array(Set(ids))) : boards.names.names(of: ids, store: boards.store)
        func line(_ entry: LeaderboardEntry, _ kind: LeaderboardKind) -> TemplateContext? {
            guard let name = names[entry.userID] else { return nil }
            return [
                "place": .text(String(entry.place)), "user_id": .text(entry.userID), "username": .text(name.username),
                "display_name": .text(name.displayName), "score": .text(kind.formatted(score: entry.score)),
                "is_me": .bool(entry.userID == viewer?.id),
            ]
        }

        let pages = LeaderboardPaging.pageCount(total: snapshot.total)
        let pastEnd = !snapshot.fromDatabase && paging.isPastEnd(total: snapshot.total)
        func shown(_ entries: [LeaderboardEntry]) -> [LeaderboardEntry] {
            // The database's top is read whole, so places can be counted again without whoever
            // left since; Redis's places are kept (it is only behind for a moment).
            snapshot.fromDatabase ? placedAgain(entries.filter { names[$0.userID] != nil }) : entries
        }
        let entries = shown(snapshot.entries).compactMap { line($0, kind) }
        var context: TemplateContext = [
            "boards": .list(
                LeaderboardKind.allCases.map { ["name": .text($0.rawValue), "title": .text($0.title), "current": .bool($0 == kind)] }),
            "board": .text(kind.rawValue), "current_board": .text(kind.rawValue), "board_title": .text(kind.title),
            "score_heading": .text(kind.scoreHeading), "about": .text(about(kind, now: now)),
            "entries": .list(entries), "has_entries": .bool(!entries.isEmpty),
            "empty": .bool(entries.isEmpty && paging.page == 1), "page": .text(String(paging.page)),
            "pages": .text(String(pages)), "pages_word": .text(pages == 1 ? "page" : "pages"),
            "page_size": .text(String(LeaderboardPaging.pageSize)), "can_act": .bool(viewer != nil),
            "friends_scope": .bool(friendsOnly), "can_scope": .bool(viewer != nil),
        ]
        if snapshot.fromDatabase { context["catching_up"] = .bool(true) }
        if ctx.request.query.values("reported") == ["1"] { context["reported"] = .bool(true) }
        if pastEnd {
            context["past_end"] = .bool(true)
            context["last_page_href"] = .text(href(kind, page: pages))
        }
        if !snapshot.fromDatabase && !pastEnd && pages > 1 {
            context["paged"] = .bool(true)
            if paging.page > 1 { context["prev_href"] = .text(href(kind, page: paging.page - 1)) }
            if paging.page < pages { context["next_href"] = .text(href(kind, page: paging.page + 1)) }
        }

        if let viewer {
            if let mine = snapshot.viewer, names[viewer.id] != nil {
                context["mine"] = .object([
                    "place": .text(String(mine.entry.place)), "total": .text(String(snapshot.total)),
                    "score": .text(kind.formatted(score: mine.entry.score)), "around": .list(mine.around.compactMap { line($0, kind) }),
                    "my_page_href": .text(href(kind, page: LeaderboardPaging.page(of: mine.index))),
                ])
            } else if snapshot.fromDatabase {
                context["rank_later"] = .bool(true)
            } else {
                let membership = try boards.store.membership(of: viewer.id)
                let state = membership.hidden ? "rank_hidden" : membership.onBoards ? "rank_none" : "rank_left"
                context[state] = .bool(true)
            }
        } else {
            context["guest"] = .bool(true)
        }

        if let lastWeek = snapshot.lastWeek {
            let week = LeaderboardPeriod.week(containing: now).previous
            let top = shown(lastWeek.top).compactMap { line($0, .weekly) }
            var section: TemplateContext = [
                "week": .text(week.id), "top": .list(top), "has_top": .bool(!top.isEmpty), "shown": .text(String(top.count)),
            ]
            if !snapshot.fromDatabase { section["total"] = .text(String(lastWeek.total)) }
            if let mine = lastWeek.viewer, names[mine.userID] != nil {
                section["last_mine"] = .object([
                    "place": .text(String(mine.place)), "total": .text(String(lastWeek.total)),
                    "score": .text(LeaderboardKind.weekly.formatted(score: mine.score)),
                ])
            }
            context["last_week"] = .object(section)
        }

        if viewer?.canModerate == true { context["admin"] = .object(try adminContext(boards.store)) }
        return Views.page("leaderboards", title: "Leaderboards · \(kind.title)", context, ctx: ctx, status: pastEnd ? .notFound : .ok)
    }

    /// The board named by `?board=` (the weekly one when absent).
    static func board(_ values: [String]) throws -> LeaderboardKind {
        guard values.count <= 1 else { throw ClientError.badRequest("Name one board, not several.") }
        guard let name = values.first else { return .weekly }
        guard let kind = LeaderboardKind(stored: name) else {
            throw ClientError.badRequest(
                "There is no board called “\(name.prefix(40))”. The boards are weekly, monthly, alltime and consistency.")
        }
        return kind
    }

    static func paging(_ values: [String]) throws -> LeaderboardPaging {
        guard values.count <= 1 else { throw ClientError.badRequest("Ask for one page, not several.") }
        do throws(LeaderboardPaging.Problem) {
            return try LeaderboardPaging.parse(values.first)
        } catch {
            throw ClientError.badRequest("“\(values.first?.prefix(40) ?? "")” is not a page of this board. \(error.description)")
        }
    }

    static func href(_ kind: LeaderboardKind, page: Int, friends: Bool = false) -> String {
        "/leaderboards?board=\(kind.rawValue)" + (page > 1 ? "&page=\(page)" : "") + (friends ? "&scope=friends" : "")
    }

    /// `?scope=`: true for friends; everyone when absent; 400 for anything else.
    static func scope(_ values: [String]) throws -> Bool {
        guard values.count <= 1 else { throw ClientError.badRequest("Choose one scope, not several.") }
        switch values.first {
        case nil, "everyone": return false
        case "friends": return true
        case let other?: throw ClientError.badRequest("“\(other.prefix(40))” is not a scope of the boards: choose everyone or friends.")
        }
    }

    /// The board among `ids` (the viewer and their friends): their scores in one Redis call
    /// (ZMSCORE, as many as there are friends), ranked here; while Redis is catching up, those of
    /// them in the top from PostgreSQL.
    static func amongFriends(
        _ kind: LeaderboardKind, _ paging: LeaderboardPaging, ids: [String], viewer: String, _ boards: Leaderboards, _ now: Date
    ) throws -> LeaderboardSnapshot {
        guard let scored = boards.scores(kind, of: ids, now: now) else {
            let top = try fromDatabase(kind, paging, boards, now)
            let wanted = Set(ids)
            let entries = top.entries.filter { wanted.contains($0.userID) }
            return LeaderboardSnapshot(total: entries.count, entries: entries, viewer: nil, lastWeek: nil, fromDatabase: true)
        }
        let all = FriendsBoard.ranked(scored).map { LeaderboardEntry(userID: $0.id, score: $0.score, place: $0.place) }
        let page = Array(all.dropFirst(paging.offset).prefix(LeaderboardPaging.pageSize))
        var mine: LeaderboardSnapshot.Viewer? = nil
        if let index = all.firstIndex(where: { $0.userID == viewer }) {
            let around = LeaderboardPaging.around(index, total: all.count)
            mine = .init(index: index, entry: all[index], around: Array(all[around]))
        }
        return LeaderboardSnapshot(total: all.count, entries: page, viewer: mine, lastWeek: nil, fromDatabase: false)
    }

    /// While Redis is catching up: the top of the board (and of last week) from PostgreSQL, first
    /// page only.
    static func fromDatabase(
        _ kind: LeaderboardKind, _ paging: LeaderboardPaging, _ boards: Leaderboards, _ now: Date
    ) throws
        -> LeaderboardSnapshot
    {
        let entries = paging.page == 1 ? try boards.fallback.top(kind, limit: LeaderboardPaging.pageSize, now: now) : []
        var lastWeek: LeaderboardSnapshot.LastWeek? = nil
        if kind == .weekly {
            let top = try boards.fallback.lastWeek(limit: lastWeekShown, now: now)
            lastWeek = LeaderboardSnapshot.LastWeek(total: top.count, top: top, viewer: nil)
        }
        return LeaderboardSnapshot(total: entries.count, entries: entries, viewer: nil, lastWeek: lastWeek, fromDatabase: true)
    }

    /// The places of the top of a board, counted from the first.
    static func placedAgain(_ entries: [LeaderboardEntry]) -> [LeaderboardEntry] {
        let places = LeaderboardRanking.places(scores: entries.map(\.score), offset: 0, above: 0)
        return zip(entries, places).map { LeaderboardEntry(userID: $0.userID, score: $0.score, place: $1) }
    }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// "30 November 2026" (no DateFormatter on the board's hot path).
    static func day(_ instant: Date) -> String {
        let (year, month, day) = LocalDate(dayNumber: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down))).components
        return "\(day) \(months[month - 1]) \(year)"
    }

    /// What the board ranks, in words.
    static func about(_ kind: LeaderboardKind, now: Date) -> String {
        switch kind {
        case .weekly:
            let week = LeaderboardPeriod.week(containing: now)
            return "Focus time in week \(week.id): Monday \(day(week.start)) to Sunday \(day(week.end.addingTimeInterval(-1))), UTC."
        case .monthly:
            let month = LeaderboardPeriod.month(containing: now)
            let (year, number, _) = LocalDate(dayNumber: Int(month.start.timeIntervalSince1970 / 86_400)).components
            return "Focus time in \(months[number - 1]) \(year), UTC."
        case .alltime:
            return "Focus time since each person started."
        case .consistency:
            return
                "The longest current streaks: days in a row with focus, in each person's own time zone (freezes cover a missed day). A streak leaves the board when it breaks."
        }
    }

    /// Newest reports and the hidden people, for admins.
    static func adminContext(_ store: LeaderboardStore) throws -> TemplateContext {
        let reports: [TemplateContext] = try store.recentReports(limit: 20).map {
            [
                "at": .text(AccountFlow.format($0.at, timezone: "UTC")), "reporter": .text($0.reporter), "reported": .text($0.reported),
                "reported_id": .text($0.reportedID), "board": .text($0.board.title), "reason": .text($0.reason),
                "hidden": .bool($0.reportedIsHidden),
            ]
        }
        let hidden: [TemplateContext] = try store.hiddenAccounts(limit: 100).map { ["id": .text($0.id), "username": .text($0.username)] }
        return [
            "reports": .list(reports), "has_reports": .bool(!reports.isEmpty), "hidden_people": .list(hidden),
            "has_hidden": .bool(!hidden.isEmpty),
        ]
    }
}
