import Domain
import Web

/// Turns rooms and participants into template contexts and the long-poll JSON.
enum RoomViews {
    static func participants(_ list: [Participant]) -> TemplateValue {
        .list(list.map { p in
            ["name": .text(p.name), "is_host": .bool(p.role == "host"), "online": .bool(p.online),
             "initial": .text(p.name.first.map { String($0).uppercased() } ?? "?")]
        })
    }

    static func participantsFragment(_ list: [Participant], services: Services) -> String {
        String(decoding: services.templates.render("partials/participants", ["participants": participants(list)]), as: UTF8.self)
    }

    /// The poll answer: the version and server-rendered fragments keyed by element id.
    static func pollBody(room: Room, participants list: [Participant], services: Services) -> [UInt8] {
        let online = list.filter(\.online).count
        let json = """
            {"version":\(room.version),"fragments":{"participants":\(JSONText.quoted(participantsFragment(list, services: services))),\
            "participant-count":\(JSONText.quoted(countText(total: list.count, online: online)))}}
            """
        return Array(json.utf8)
    }

    static func countText(total: Int, online: Int) -> String {
        "\(total) \(total == 1 ? "person" : "people") · \(online) online"
    }

    static func stateJSON(room: Room, participants list: [Participant]) -> [UInt8] {
        let people = list.map {
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
