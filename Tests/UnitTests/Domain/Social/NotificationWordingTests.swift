import Domain
import Testing

@Suite("Notification wording")
struct NotificationWordingTests {
    func words(
        _ kind: NotificationKind, actor: String? = "ana", name: String? = "Ana", subject: String = "", count: Int = 1
    ) -> NotificationWording? {
        NotificationWording.of(kind: kind, actorUsername: actor, actorName: name, subject: subject, count: count, owner: "me_1")
    }

    @Test func eachKindSaysWhatHappenedAndLeadsThere() {
        #expect(words(.friendRequest) == NotificationWording(text: "Ana sent you a friend request", target: "/friends"))
        #expect(words(.friendAccepted) == NotificationWording(text: "Ana accepted your friend request", target: "/u/ana"))
        #expect(words(.directMessage, count: 1) == NotificationWording(text: "1 new message from Ana", target: "/messages/ana"))
        #expect(words(.directMessage, count: 7)?.text == "7 new messages from Ana")
        #expect(words(.roomInvite, subject: "abc-def") == NotificationWording(text: "Ana invited you to room ABC-DEF", target: "/r/ABC-DEF"))
        #expect(
            words(.achievement, actor: nil, name: nil, subject: "first_focus")
                == NotificationWording(text: "You earned “First Focus”", target: "/u/me_1"))
    }

    @Test func aSubjectOrActorItsKindCannotUseIsNotShown() {
        #expect(words(.roomInvite, subject: "<script>") == nil)
        #expect(words(.roomInvite, subject: "") == nil)
        #expect(words(.achievement, subject: "no_such_badge") == nil)
        #expect(words(.friendRequest, actor: nil, name: nil) == nil)
        #expect(words(.directMessage, actor: nil, name: nil) == nil)
    }

    @Test func badgesStopAt99() {
        #expect(NotificationWording.badge(0) == "")
        #expect(NotificationWording.badge(1) == "1")
        #expect(NotificationWording.badge(99) == "99")
        #expect(NotificationWording.badge(100) == "99+")
    }
}
