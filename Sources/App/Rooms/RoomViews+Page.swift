import Domain
import Foundation
import Web

/// The room page for one viewer.
extension RoomViews {
    /// The context keys of the page's shared parts, by element id.
    static let pageParts = [
        "queue": "queue_html", "participants": "participants_html", "public-tasks": "public_tasks_html",
        "proposals": "proposals_html", "chat-messages": "chat_html",
        "segment-options": "segment_options_html", "theme-options": "theme_options_html",
        "slow-mode": "slow_mode_html",
    ]

    /// The room page for one viewer: its own context, the shared parts to splice in, and when
    /// the page reloads itself without JavaScript.
    static func page(
        _ snapshot: RoomSnapshot, timer timerView: TimerView, viewer session: SessionID, csrf: String, baseURL: String,
        kept: Kept? = nil, templates: TemplateLibrary
    ) -> (context: TemplateContext, parts: [String: [[UInt8]]], refreshSeconds: Int?) {
        let room = snapshot.room
        let me = snapshot.member(for: session)
        let host = me?.role == .host
        let variant = PollVariant(isHost: host, isDJ: me?.isDJ ?? false)
        let shared = sharedParts(snapshot, host: host, templates: templates)
        let music = soundtrackNow(snapshot)
        var context: TemplateContext = [
            "host_view": .bool(host),
            "code": .text(room.code.display), "version": .text(String(room.version)), "theme": .text(room.theme),
            "viewer_role": .text(me?.role.rawValue ?? ""), "me_id": .text(me?.id ?? ""), "csrf": .text(csrf),
            "share_url": .text("\(baseURL)/r/\(room.code.display)"),
            "timer": timer(timerView), "kinds": kinds(selected: "focus"),
            "participant_count": .text(text(shared["participant-count"])),
            "slow_mode_on": .bool(room.slowMode),
            "name_input": .text(""), "chat_input": .text(""), "task_input": .text(""),
            "propose_text": .text(""), "propose_duration": .text(""), "propose_label": .text(""),
            "soundtrack_now": soundtrackPage(music, runs: variant.runsSoundtrack, memberCount: snapshot.members.count),
        ]
        if let kept, host, let part = keptPart(snapshot, kept, csrf: csrf, templates: templates) {
            context[part.key] = .html(part.html)
        }
        if let me {
            // The viewer's own shadow-hidden messages make their chat differ from everyone's.
            if snapshot.messages.contains(where: { $0.isShadowHidden && $0.participantID == me.id }) {
                var chat: TemplateContext = ["code": .text(room.code.display), "csrf": .text(csrf)]
                chat["messages"] = messages(snapshot, viewer: me)
                context["chat_html"] = .html(SafeHTML(trusted: String(decoding: templates.render("partials/chat", chat), as: UTF8.self)))
            }
            context["me"] = .object(["name": .text(me.name), "is_host": .bool(me.role == .host)])
            context["my_tasks"] = .list(
                snapshot.tasks.filter { $0.participantID == me.id }.map { t in
                    var item: TemplateContext = [
                        "id": .text(t.id), "text": .text(t.text), "visibility": .text(t.isPublic ? "public" : "private"),
                        "is_private": .bool(!t.isPublic), "done": .bool(t.done), "segment_name": .text(segmentName(snapshot, t.segmentID)),
                        "edit_text": .text(t.text), "open": .bool(false),
                    ]
                    if case .taskEdit(let id, let text, let isPublic) = kept, id == t.id {
                        item.merge(["edit_text": .text(text), "is_private": .bool(!isPublic), "open": .bool(true)])
                    }
                    return item
                })
        }
        var parts: [String: [[UInt8]]] = Dictionary(minimumCapacity: pageParts.count + 1)
        for (id, key) in pageParts where context[key] == nil { parts[key] = shared[id] }
        parts["soundtrack_html"] = soundtrackPart(snapshot, variant, templates: templates)
        return (context, parts, refreshSeconds(timerView, trackRefreshSeconds(music)))
    }

    /// The head's refresh for browsers without JavaScript: when the running segment or the
    /// playing track ends, whichever comes first. (Until then the presence frame keeps them
    /// present: `RoomHandlers.here`.)
    static func refreshSeconds(_ t: TimerView, _ track: Int? = nil) -> Int? {
        let segment = t.status == .running ? t.remainingMs / 1000 + 1 : nil
        return [segment, track].compactMap { $0 }.min()
    }
}
