import Domain
import Foundation
import Web

/// The room's soundtrack as shown: the shared part (rendered once per snapshot and variant:
/// host, DJ, everyone), what plays now (computed per view and per poll answer, since it moves),
/// and its JSON.
extension RoomViews {
    /// The soundtrack section every viewer of this variant sees alike, as pieces between CSRF slots.
    static func soundtrackPart(_ snapshot: RoomSnapshot, _ variant: PollVariant, templates: TemplateLibrary) -> [[UInt8]] {
        snapshot.rendered.part("soundtrack:\(variant.rawValue)") {
            split(templates.render("partials/soundtrack", soundtrackContext(snapshot, variant)), at: Array(RenderedParts.csrfSlot.utf8))
        }
    }

    static func soundtrackContext(_ snapshot: RoomSnapshot, _ variant: PollVariant) -> TemplateContext {
        let queue = snapshot.soundtrack
        let sound = snapshot.room.sound
        func items(_ entries: [SoundtrackQueue.Entry]) -> TemplateValue { .list(entries.map(trackItem)) }
        var context: TemplateContext = [
            "code": .text(snapshot.room.code.display), "csrf": .text(RenderedParts.csrfSlot),
            "host_view": .bool(variant == .host), "runs_soundtrack": .bool(variant.runsSoundtrack),
            "up_next_items": items(queue.upNext), "has_up_next": .bool(!queue.upNext.isEmpty),
            "up_next_more": .text(queue.upNextTotal > queue.upNext.count ? String(queue.upNextTotal - queue.upNext.count) : ""),
            "history_items": items(queue.history), "has_history": .bool(!queue.history.isEmpty),
            "proposed_items": items(queue.proposed), "has_proposed": .bool(!queue.proposed.isEmpty),
            "proposals_on": .bool(sound.proposalsAllowed), "mode_words": .text(sound.mode.words),
            "modes": .list(
                SoundtrackMode.allCases.map { ["value": .text($0.rawValue), "label": .text($0.words), "selected": .bool($0 == sound.mode)] }),
        ]
        if let current = queue.current {
            var item = trackItem(current)
            item["playing"] = .bool(sound.isPlaying)
            context["current"] = .object(item)
        }
        return context
    }

    static func trackItem(_ entry: SoundtrackQueue.Entry) -> TemplateContext {
        [
            "entry": .text(entry.id), "title": .text(entry.track.title), "artist": .text(entry.track.artist),
            "length": .text(SeekPosition.text(entry.track.durationSeconds * 1000)), "added_by": .text(entry.addedBy),
        ]
    }

    /// What plays now, measured now: for the page's script, the poll answer and state.json.
    static func soundtrackNow(_ snapshot: RoomSnapshot, now: Date = Date()) -> SoundtrackNowJSON {
        let sound = snapshot.room.sound
        let current = snapshot.soundtrack.current
        let age = snapshot.age
        let playback = sound.playback(durationMs: snapshot.soundtrack.durationMs, age: age, now: now)
        let nowMs = Int((now.timeIntervalSince1970 * 1000).rounded())
        return SoundtrackNowJSON(
            entry: current?.id, trackID: current?.track.id, src: current?.track.audioURL, title: current?.track.title,
            artist: current?.track.artist, playing: current != nil && playback.isPlaying, positionMs: current == nil ? 0 : playback.position(at: now),
            durationMs: snapshot.soundtrack.durationMs, serverNowMs: nowMs,
            setAt: sound.setAt, setPositionMs: sound.positionMs, stamp: sound.stamp,
            mode: sound.mode.rawValue, focusVolume: sound.mode.volume(duringFocus: true), djs: snapshot.djIDs)
    }

    /// The page's own soundtrack context: the state its script starts from and, without
    /// JavaScript, the current track linked at the position it is at now (a media fragment).
    static func soundtrackPage(_ now: SoundtrackNowJSON, runs: Bool, memberCount: Int) -> TemplateValue {
        var context: TemplateContext = [
            "entry": .text(now.entry ?? ""), "src": .text(now.src ?? ""), "playing": .text(now.playing ? "true" : "false"),
            "position_ms": .text(String(now.positionMs)), "duration_ms": .text(String(now.durationMs)),
            "server_now_ms": .text(String(now.serverNowMs)), "stamp": .text(now.stamp),
            "focus_volume": .text(String(now.focusVolume)), "runs": .text(runs ? "true" : "false"),
            "report_ms": .text(String(ListenerLag.reportEveryMs(memberCount: memberCount))),
        ]
        if let src = now.src {
            let seconds = now.positionMs / 1000
            context["listen_url"] = .text("\(src)#t=\(seconds)")
            context["position_text"] = .text(SeekPosition.text(now.positionMs))
            context["length_text"] = .text(SeekPosition.text(now.durationMs))
            context["autoplay"] = .bool(now.playing)
        }
        return .object(context)
    }

    /// Without JavaScript the page reloads when the track ends, so the next one is linked.
    static func trackRefreshSeconds(_ now: SoundtrackNowJSON) -> Int? {
        guard now.playing else { return nil }
        return max(now.durationMs - now.positionMs, 0) / 1000 + 1
    }

    /// state.json's soundtrack.
    static func soundtrackState(_ snapshot: RoomSnapshot) -> SoundtrackStateJSON {
        let queue = snapshot.soundtrack
        func entry(_ e: SoundtrackQueue.Entry) -> SoundtrackStateJSON.Entry {
            .init(
                entry: e.id, trackID: e.track.id, title: e.track.title, artist: e.track.artist, album: e.track.album,
                durationMs: e.track.durationSeconds * 1000, source: e.track.source.rawValue, addedBy: e.addedBy)
        }
        return SoundtrackStateJSON(
            now: soundtrackNow(snapshot), current: queue.current.map(entry), upNext: queue.upNext.map(entry), upNextTotal: queue.upNextTotal,
            history: queue.history.map(entry), historyTotal: queue.historyTotal, proposed: queue.proposed.map(entry),
            proposedTotal: queue.proposedTotal, proposalsAllowed: snapshot.room.sound.proposalsAllowed)
    }
}
