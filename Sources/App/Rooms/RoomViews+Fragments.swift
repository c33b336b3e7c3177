import Domain
import Foundation
import Web

/// Parts shared by every viewer of a snapshot, rendered once and spliced into pages and poll answers.
extension RoomViews {
    /// The fragments that are the same for every viewer of a snapshot, by element id, each as
    /// the pieces between CSRF slots (see RenderedParts). Rendered once per snapshot.
    static func sharedParts(_ snapshot: RoomSnapshot, host: Bool, templates: TemplateLibrary) -> [String: [[UInt8]]] {
        snapshot.rendered.get(host: host) {
            let room = snapshot.room
            var context: TemplateContext = [
                "code": .text(room.code.display), "csrf": .text(RenderedParts.csrfSlot),
                "host_view": .bool(host),
            ]
            func render(_ template: String, _ values: TemplateContext) -> [[UInt8]] {
                context.merge(values)
                return split(templates.render(template, context), at: Array(RenderedParts.csrfSlot.utf8))
            }
            let (pending, decided) = proposals(snapshot)
            let people = listed(snapshot)
            return [
                "queue": render(
                    "partials/queue",
                    [
                        "has_segments": .bool(!snapshot.segments.isEmpty), "segments": segments(snapshot),
                        "new_segment": newSegment(),
                    ]),
                "participants": render(
                    "partials/participants",
                    [
                        "participants": participants(snapshot, people.members),
                        "more": .text(String(people.more)),
                        "has_more": .bool(people.more > 0),
                    ]),
                "participant-count": [Array(countText(snapshot).utf8)],
                // Page-only: the chat's note while slow mode is on (ChatStore.slowModeWait decides).
                "slow-mode": room.slowMode || onlineCount(snapshot) >= ChatStore.slowModeAt
                    ? render(
                        "partials/slow_mode",
                        [
                            "seconds": .text(String(ChatStore.slowModeSeconds))
                        ]) : [[]],
                "public-tasks": render("partials/public_tasks", ["public_tasks": publicTasks(snapshot)]),
                "proposals": render("partials/proposals", ["pending": pending, "decided": decided]),
                "chat-messages": render("partials/chat", ["messages": messages(snapshot, viewer: nil)]),
                // Page-only parts (no element of their own in poll answers).
                "segment-options": render(
                    "partials/segment_options",
                    [
                        "segment_options": .list(
                            snapshot.segments.filter { snapshot.segmentState($0.position) != .done }.map {
                                ["id": .text($0.id), "name": .text("\($0.position + 1). \($0.title)")]
                            })
                    ]),
                "theme-options": render("partials/theme_options", ["themes": themes(selected: room.theme)]),
            ]
        }
    }

    /// A part for one viewer whose refused form in it must show what they typed again (the
    /// shared rendering cannot): the queue's add or edit forms, or a proposal's reject reason.
    static func keptPart(_ snapshot: RoomSnapshot, _ kept: Kept, csrf: String, templates: TemplateLibrary) -> (key: String, html: SafeHTML)? {
        var context: TemplateContext = ["code": .text(snapshot.room.code.display), "csrf": .text(csrf), "host_view": .bool(true)]
        switch kept {
        case .newSegment(let kind, let duration, let label, let task):
            context.merge([
                "has_segments": .bool(!snapshot.segments.isEmpty), "segments": segments(snapshot),
                "new_segment": newSegment(kind: kind, duration: duration, label: label, publicTask: task),
            ])
            return ("queue_html", SafeHTML(trusted: String(decoding: templates.render("partials/queue", context), as: UTF8.self)))
        case .segmentEdit:
            context.merge([
                "has_segments": .bool(!snapshot.segments.isEmpty), "segments": segments(snapshot, kept: kept),
                "new_segment": newSegment(),
            ])
            return ("queue_html", SafeHTML(trusted: String(decoding: templates.render("partials/queue", context), as: UTF8.self)))
        case .reject:
            let (pending, decided) = proposals(snapshot, kept: kept)
            context.merge(["pending": pending, "decided": decided])
            return ("proposals_html", SafeHTML(trusted: String(decoding: templates.render("partials/proposals", context), as: UTF8.self)))
        case .taskEdit:
            return nil
        }
    }

    static func split(_ bytes: [UInt8], at separator: [UInt8]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + separator.count <= bytes.count {
            if bytes[i] == separator[0] && bytes[i..<(i + separator.count)].elementsEqual(separator) {
                pieces.append(Array(bytes[start..<i]))
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }

    /// A shared part as text, for JSON: the pieces joined with nothing (an empty token).
    static func text(_ pieces: [[UInt8]]?) -> String {
        String(decoding: (pieces ?? []).joined(), as: UTF8.self)
    }
}
