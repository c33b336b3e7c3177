import Domain
import Web

/// Turns rooms and participants into template contexts and JSON.
enum RoomViews {
    static func participants(_ list: [Participant]) -> TemplateValue {
        .list(list.map { p in
            ["name": .text(p.name), "is_host": .bool(p.role == "host"), "online": .bool(p.online),
             "initial": .text(p.name.first.map { String($0).uppercased() } ?? "?")]
        })
    }

    static func countText(_ list: [Participant]) -> String {
        let online = list.filter(\.online).count
        return "\(list.count) \(list.count == 1 ? "person" : "people") · \(online) online"
    }

    /// The poll answer: the version and server-rendered fragments keyed by element id. It is
    /// the same for every viewer, so one rendering serves every parked poll of the room.
    static func pollBody(_ view: RoomView, services: Services) -> [UInt8] {
        let fragment = String(decoding: services.templates.render("partials/participants", ["participants": participants(view.participants)]),
                              as: UTF8.self)
        let json = """
            {"version":\(view.room.version),"fragments":{"participants":\(JSONText.quoted(fragment)),\
            "participant-count":\(JSONText.quoted(countText(view.participants)))}}
            """
        return Array(json.utf8)
    }

    static func stateJSON(_ view: RoomView) -> [UInt8] {
        let room = view.room
        let people = view.participants.map {
            "{\"name\":\(JSONText.quoted($0.name)),\"role\":\(JSONText.quoted($0.role)),\"online\":\($0.online)}"
        }.joined(separator: ",")
        let json = """
            {"code":\(JSONText.quoted(room.code.display)),"status":\(JSONText.quoted(room.status)),\
            "theme":\(JSONText.quoted(room.theme)),"version":\(room.version),\
            "expires_at":\(JSONText.quoted(room.expiresAt)),"participants":[\(people)]}
            """
        return Array(json.utf8)
    }
}
