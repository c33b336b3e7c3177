import Domain
import Web

/// What the board routes read from a request: the signed-in owner, ids from the path (anything
/// but a positive number is a 404, like a board that is not theirs), and the version a form carries.
struct BoardRequest {
    let user: CurrentUser
    let boardID: Int

    init(_ ctx: RequestContext) throws {
        user = try AccountFlow.signedInUser(ctx)
        boardID = try Self.id(ctx.request.parameter("id"))
    }

    static func id(_ text: String) throws(BoardRefusal) -> Int {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(text), id > 0
        else { throw .notFound }
        return id
    }

    /// The version the form's page showed.
    static func shownVersion(_ ctx: RequestContext) throws -> Int {
        try BoardNumber.version(try ctx.field("version"))
    }
}
