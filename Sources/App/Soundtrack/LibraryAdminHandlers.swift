import Domain
import Foundation
import Web

/// /admin/library: admins upload tracks to the self-hosted library (one file a request, with an
/// optional title, artist and album over the file's own tags) and delete them. Everyone else
/// gets the 404 of every admin address, before a byte of an upload is read.
enum LibraryAdminHandlers {
    /// The body may hold the 64 MiB file and the form's other fields; nginx's location for
    /// /admin/library lets the same through, so a file just over the cap gets our page.
    static let uploadPolicy = UploadPolicy(maxBodyBytes: LibraryRules.maxBytes + (1 << 20), rule: { $0.libraryUploads })

    /// GET /admin/library (?page=N, ?added=ID after an upload)
    static let page: Handler = { ctx in try adminPage(ctx) }

    static func adminPage(
        _ ctx: RequestContext, error: String? = nil, status: HTTPStatus = .ok, typed: (title: String, artist: String, album: String) = ("", "", "")
    ) throws -> Outcome {
        let page = try RoomHandlers.pageNumber(ctx, "page")
        let size = MusicLimits.pageSize
        let (tracks, total) = try ctx.services.database.withConnection { conn in
            (try TrackStore.library(limit: size, offset: (page - 1) * size, on: conn), try TrackStore.libraryCount(on: conn))
        }
        var context: TemplateContext = [
            "library_tracks": .list(
                tracks.map { t in
                    [
                        "track_id": .text(t.id), "track_title": .text(t.title), "track_artist": .text(t.artist),
                        "track_album": .text(t.album ?? ""), "track_duration": .text(TrackDuration.text(t.durationSeconds)),
                        "track_audio": .text(t.audioURL),
                    ]
                }),
            "has_tracks": .bool(!tracks.isEmpty), "library_count": .text(total == 1 ? "1 track" : "\(total) tracks"),
            "max_mib": .text(String(LibraryRules.maxBytes >> 20)), "title_input": .text(typed.title),
            "artist_input": .text(typed.artist), "album_input": .text(typed.album), "tag_max": .text(String(TrackTags.maxLength)),
        ]
        if let error { context["upload_error"] = .text(error) }
        if error == nil, let added = try ctx.request.query.value("added"), let track = tracks.first(where: { $0.id == added }) {
            context["added_title"] = .text(track.title)
        }
        if page > 1 { context["previous_page"] = .text("/admin/library?page=\(page - 1)") }
        if page * size < total { context["next_page"] = .text("/admin/library?page=\(page + 1)") }
        return try AdminViews.page("admin_library", title: "Music library", context, ctx: ctx, section: .library, status: status)
    }

    /// POST /admin/library (multipart: csrf, file, title, artist, album)
    static let upload: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let typed = (title: try ctx.field("title"), artist: try ctx.field("artist"), album: try ctx.field("album"))
        do {
            guard Multipart.boundary(fromContentType: ctx.request.contentType) != nil, let file = try ctx.upload("file") else {
                throw SoundtrackRefusal.badAudio("Choose an audio file to upload.")
            }
            let added = try LibraryImport.add(
                file.body, fileName: file.filename ?? "", typed: typed, uploadedBy: admin.id, config: ctx.services.config,
                database: ctx.services.database
            ) { added, conn in
                try AuditLog.append(
                    .init(action: .libraryUpload, target: AuditTarget(.track, id: added.id, label: added.title), after: added.title), by: admin,
                    on: conn)
            }
            ctx.services.logger.info("library track added", metadata: ["track": "\(added.id)", "by": "\(admin.id)"])
            return .response(.redirect(to: "/admin/library?added=\(added.id)"))
        } catch let refusal as SoundtrackRefusal {
            return try adminPage(ctx, error: refusal.message, status: ErrorMapping.status(refusal), typed: typed)
        }
    }

    /// POST /admin/library/:id/delete: the row now (queue and playlist entries and likes go with
    /// it; rooms queueing it are told, and one playing it falls silent), the file once that has
    /// committed.
    static let delete: Handler = { ctx in
        let admin = try AccountFlow.signedInUser(ctx)
        let id = try PlaylistTrackHandlers.trackID(ctx.request.parameter("id"))
        let (file, wakes) = try ctx.services.database.transaction { conn -> (String, [(channel: String, version: Int)]) in
            let rooms = try SoundtrackStore.lockRoomsQueueing(trackID: id, on: conn)
            guard let (file, title) = try TrackStore.deleteLibrary(id: id, on: conn) else { throw SoundtrackRefusal.notFound }
            try AuditLog.append(.init(action: .libraryDelete, target: AuditTarget(.track, id: id, label: title), before: title), by: admin, on: conn)
            return (file, try SoundtrackStore.trackRemoved(from: rooms, on: conn))
        }
        ctx.announceAfterCommit(wakes)
        LibraryFiles.remove(file, config: ctx.services.config)
        return .response(.redirect(to: "/admin/library"))
    }
}
