import Domain
import Foundation
import Testing

@testable import App
@testable import Web

@Suite("Piped replies")
struct PipedReplyTests {
    func bytes(_ json: String) -> [UInt8] { Array(json.utf8) }

    @Test func searchKeepsSongsOnlyEachOnce() throws {
        let body = bytes(
            """
            {"items": [
              {"type": "stream", "url": "/watch?v=dQw4w9WgXcQ", "title": "  Never\\n Gonna  ", "uploaderName": "Rick Astley - Topic",
               "thumbnail": "https://proxy.example/vi/dQw4w9WgXcQ/hq.jpg", "duration": 213, "isShort": false},
              {"type": "channel", "url": "/channel/UC1", "name": "A channel"},
              {"type": "playlist", "url": "/playlist?list=PL1", "name": "A list"},
              {"type": "stream", "url": "/watch?v=shortshort1", "title": "Short", "duration": 20, "isShort": true},
              {"type": "stream", "url": "/watch?v=livelivelive", "title": "Live", "duration": -1},
              {"type": "stream", "url": "/watch?v=bad id", "title": "Bad", "duration": 60},
              {"type": "stream", "url": "/watch?v=dQw4w9WgXcQ", "title": "Again", "duration": 213},
              {"type": "stream", "url": "/watch?v=aaaaaaaaaaa&t=5", "title": "\\u202eevil\\u202c", "uploaderName": "X",
               "thumbnail": "http://plain.example/x.jpg", "duration": 61.0},
              "not an object", 42
            ], "nextpage": null}
            """)
        let tracks = try PipedReply.search(body)
        #expect(tracks.map(\.pipedID.value) == ["dQw4w9WgXcQ", "aaaaaaaaaaa"])
        #expect(tracks[0].title == "Never Gonna" && tracks[0].artist == "Rick Astley" && tracks[0].durationSeconds == 213)
        #expect(tracks[0].thumbnailURL == "https://proxy.example/vi/dQw4w9WgXcQ/hq.jpg")
        #expect(tracks[1].title == "evil" && tracks[1].thumbnailURL == nil && tracks[1].durationSeconds == 61)
    }

    @Test func anAnswerThatIsNotTheShapeIsMalformed() {
        for body in ["", "{\"items\": [", "<html>502</html>", "[]", "{\"items\": {}}"] {
            #expect(throws: PipedReply.Malformed.self) { try PipedReply.search(bytes(body)) }
        }
        #expect(throws: PipedReply.Malformed.self) { try PipedReply.trending(bytes("{\"items\": []}")) }
        #expect(throws: PipedReply.Malformed.self) { try PipedReply.streams(bytes("[]"), id: PipedID("dQw4w9WgXcQ")!) }
    }

    @Test func thumbnailsAreHTTPSAddressesOnly() {
        #expect(PipedReply.thumbnail("https://proxy.example/a.jpg?host=i.ytimg.com") != nil)
        for bad in [
            "http://proxy.example/a.jpg", "javascript:alert(1)", "data:image/png;base64,AAAA", "https://", "https:///x",
            "https://x.example/\"onerror=\"alert(1)", "https://x.example/a b", "//x.example/a.jpg",
            "https://x.example/" + String(repeating: "a", count: 600),
        ] {
            #expect(PipedReply.thumbnail(bad) == nil, "\(bad)")
        }
    }

    @Test func aVideosPageGivesItsStreamsAndRelatedOnes() throws {
        let id = try #require(PipedID("dQw4w9WgXcQ"))
        let page = try PipedReply.streams(
            bytes(
                """
                {"title": "Song", "uploader": "Band - Topic", "thumbnailUrl": "https://p.example/t.jpg", "duration": 200,
                 "livestream": false,
                 "audioStreams": [{"url": "https://p.example/a", "mimeType": "audio/mp4", "bitrate": 128000, "videoOnly": false}],
                 "videoStreams": [{"url": "https://p.example/v", "mimeType": "video/mp4", "bitrate": 1, "videoOnly": true}],
                 "relatedStreams": [{"type": "stream", "url": "/watch?v=bbbbbbbbbbb", "title": "Next", "duration": 100},
                                    {"type": "stream", "url": "/watch?v=dQw4w9WgXcQ", "title": "Itself", "duration": 200}]}
                """), id: id)
        #expect(page.track?.title == "Song" && page.track?.artist == "Band")
        #expect(page.related.map(\.title) == ["Next"])
        #expect(AudioStreamChoice.best(audio: page.audio, muxed: page.muxed)?.url == "https://p.example/a")
    }

    @Test func streamAddressesLiveUntilShortlyBeforeTheyExpire() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Catalogue.streamTTL("https://p.example/videoplayback?expire=1800021600&itag=140", now: now) == 600)
        #expect(Catalogue.streamTTL("https://p.example/videoplayback?expire=1800000300", now: now) == 240)
        #expect(Catalogue.streamTTL("https://p.example/videoplayback?expire=1799999000", now: now) == 30)
        #expect(Catalogue.streamTTL("https://p.example/videoplayback?itag=140", now: now) == 600)
    }

    @Test func theInstanceIsConfiguredOrOff() throws {
        func int(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int { fallback }
        #expect(try CatalogueSettings.configured([:], int) == nil)
        #expect(try CatalogueSettings.configured(["POMOPOMO_PIPED_URL": ""], int) == nil)
        let local = try #require(try CatalogueSettings.configured(["POMOPOMO_PIPED_URL": "http://127.0.0.1:8081/api/"], int))
        #expect(local.baseURL == "http://127.0.0.1:8081/api" && local.region == "US" && local.timeoutMilliseconds == 3000)
        #expect(local.mediaSources == ["https:", "http://127.0.0.1:8081"])
        let remote = try #require(
            try CatalogueSettings.configured(["POMOPOMO_PIPED_URL": "https://pipedapi.example.org", "POMOPOMO_PIPED_REGION": "de"], int))
        #expect(remote.mediaSources == ["https:"] && remote.region == "DE")
        for bad in ["ftp://x.example", "pipedapi.example.org", "https://x.example/?q=1", "https://u:p@x.example", "https://x.example/a b"] {
            #expect(throws: Config.Problem.self) { try CatalogueSettings.configured(["POMOPOMO_PIPED_URL": bad], int) }
        }
        #expect(throws: Config.Problem.self) {
            try CatalogueSettings.configured(["POMOPOMO_PIPED_URL": "https://x.example", "POMOPOMO_PIPED_REGION": "USA"], int)
        }
    }

    @Test func catalogueMediaWidensOnlyImagesAndAudio() {
        let csp = Response.contentSecurityPolicy(
            formActions: [], mediaSources: ["https:", "http://127.0.0.1:8081", "'unsafe-inline'", "x; script-src *"])
        #expect(csp.contains("img-src 'self' data: https: http://127.0.0.1:8081;"))
        #expect(csp.contains("media-src 'self' https: http://127.0.0.1:8081;"))
        #expect(csp.contains("script-src 'self';") && !csp.contains("unsafe-inline") && !csp.contains("script-src *"))
        #expect(Response.contentSecurityPolicy(formActions: []) == Response.defaultContentSecurityPolicy)
    }
}
