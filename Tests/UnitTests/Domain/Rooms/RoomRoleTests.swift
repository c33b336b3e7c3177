import Testing

@testable import Domain

@Suite("Room roles")
struct RoomRoleTests {
    @Test(arguments: [
        (RoomRole.participant, ParticipantRole?.none, RoomRefusal?.some(.notJoined)),
        (.participant, .guest, nil), (.participant, .host, nil),
        (.host, nil, .notJoined), (.host, .guest, .hostOnly), (.host, .host, nil),
    ])
    func aRoomRoleAdmitsOnlyTheSeatsItNames(required: RoomRole, seat: ParticipantRole?, refusal: RoomRefusal?) {
        do throws(RoomRefusal) {
            try required.admit(seat)
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
    }
}
