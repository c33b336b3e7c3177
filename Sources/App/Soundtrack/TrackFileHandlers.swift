import Domain
import Web

/// GET /music/tracks/{id}/file: a library track's audio. The responder only finds the file;
/// nginx sends it (`X-Accel-Redirect` to the internal `/_library/` location in
/// nginx/pomopomo.conf), with Range, its type from the extension, nosniff and a sandboxing CSP,
/// so 200 listeners streaming cost a responder 200 short lookups, not 200 threads.
enum TrackFileHandlers {
    static let internalPrefix = "/_library/"

    static let file: Handler = { ctx in
        guard let file = try ctx.services.database.withConnection({ try TrackStore.libraryFile(id: ctx.request.parameter("id"), on: $0) }),
            LibraryFiles.isStoredName(file)
        else { throw SoundtrackRefusal.notFound }
        return .response(
            Response(
                status: .ok,
                headers: [
                    // nginx keeps this header from the answer: a file never changes under its name. Private,
                    // as the answer may set a guest's first session cookie.
                    ("X-Accel-Redirect", internalPrefix + file), ("Cache-Control", "private, max-age=86400"),
                ]))
    }
}
