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

    @Test(arguments: [
        (RoomRole.dj, ParticipantRole?.none, false, RoomRefusal?.some(.notJoined)),
        (.dj, .guest, false, .djOnly), (.dj, .guest, true, nil), (.dj, .host, false, nil),
        // A DJ is no host: host-only routes stay closed to them.
        (.host, .guest, true, .hostOnly), (.participant, .guest, true, nil),
    ])
    func aDJRunsTheSoundtrackAndNothingMore(required: RoomRole, seat: ParticipantRole?, isDJ: Bool, refusal: RoomRefusal?) {
        do throws(RoomRefusal) {
            try required.admit(seat, isDJ: isDJ)
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
    }
}
