import Testing

@testable import Domain

/// Voice notes' byte rules on hand-made files of each kind: recognised from the bytes, walked from
/// the first byte to the last, refused when cut short, glued to something, or hiding a page. (The
/// HTTP tests send real recordings made by ffmpeg through the whole pipeline.)
@Suite("Voice notes: kinds, structure, markup, length")
struct VoiceNoteRulesTests {
    static func le32(_ n: Int) -> [UInt8] { [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24 & 0xFF)] }
    static func be32(_ n: Int) -> [UInt8] { le32(n).reversed() }

    static func wav(extra: [UInt8] = [], samples: [UInt8] = [UInt8](repeating: 0, count: 800)) -> [UInt8] {
        let fmt: [UInt8] = [1, 0, 1, 0] + le32(8000) + le32(16000) + [2, 0, 16, 0]
        let chunks = Array("fmt ".utf8) + le32(fmt.count) + fmt + extra + Array("data".utf8) + le32(samples.count) + samples
        return Array("RIFF".utf8) + le32(4 + chunks.count) + Array("WAVE".utf8) + chunks
    }

    static func oggPage(_ body: [UInt8], first: Bool = false) -> [UInt8] {
        precondition(body.count < 255)
        return Array("OggS".utf8) + [0, first ? 2 : 0] + [UInt8](repeating: 0, count: 20) + [1, UInt8(body.count)] + body
    }

    static var ogg: [UInt8] {
        oggPage(Array("OpusHead".utf8) + [1, 1, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 0], first: true) + oggPage(Array("OpusTags".utf8) + [0, 0, 0, 0])
            + oggPage([UInt8](repeating: 0xFC, count: 60))
    }

    static func box(_ type: String, _ body: [UInt8]) -> [UInt8] { be32(8 + body.count) + Array(type.utf8) + body }
    static var mp4: [UInt8] {
        box("ftyp", Array("M4A ".utf8) + [0, 0, 0, 0]) + box("moov", [UInt8](repeating: 1, count: 40)) + box("mdat", [9, 9, 9])
    }

    /// An EBML element with a 1-byte size.
    static func element(_ id: [UInt8], _ body: [UInt8]) -> [UInt8] { id + [0x80 | UInt8(body.count)] + body }
    static let unknownSize: [UInt8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
    static func webm(docType: String = "webm") -> [UInt8] {
        let header = element([0x1A, 0x45, 0xDF, 0xA3], element([0x42, 0x86], [1]) + element([0x42, 0x82], Array(docType.utf8)))
        let info = element([0x15, 0x49, 0xA9, 0x66], element([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40]))
        let tracks = element([0x16, 0x54, 0xAE, 0x6B], element([0xAE], element([0x86], Array("A_OPUS".utf8))))
        let cluster =
            [0x1F, 0x43, 0xB6, 0x75] + unknownSize + element([0xE7], [0]) + element([0xA3], [0x81, 0, 0, 0x80, 1, 2, 3])
            + element([0xA3], [0x81, 0, 20, 0x80, 4, 5, 6])
        return header + [0x18, 0x53, 0x80, 0x67] + unknownSize + info + tracks + cluster + cluster
    }

    /// MPEG-1 layer III, 128 kb/s, 44.1 kHz, no padding: 417 bytes a frame.
    static let frame: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0x55, count: 413)
    static var mp3: [UInt8] { Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 10] + [UInt8](repeating: 0, count: 10) + frame + frame + frame }

    static let page = Array("<!doctype html><html><body><script>alert(1)</script>".utf8)

    @Test func recognisesEachKindFromItsBytesAlone() throws {
        #expect(try VoiceNoteRules.check(Self.wav()) == .wav)
        #expect(try VoiceNoteRules.check(Self.ogg) == .ogg)
        #expect(try VoiceNoteRules.check(Self.mp4) == .mp4)
        #expect(try VoiceNoteRules.check(Self.webm()) == .webm)
        #expect(try VoiceNoteRules.check(Self.mp3) == .mp3)
        #expect(try VoiceNoteRules.check(Self.frame + Self.frame) == .mp3, "an MP3 without a tag")
        #expect(try VoiceNoteRules.check(Self.mp3 + Array("TAG".utf8) + [UInt8](repeating: 32, count: 125)) == .mp3, "ID3v1 at the end")
        #expect(AudioFormat.sniff(Self.webm(docType: "matroska")) == nil, "Matroska that is not WebM")
        #expect(AudioFormat.sniff(Array("OggS".utf8) + [0, 2] + [UInt8](repeating: 0, count: 20) + [1, 8] + Array("OggTheor".utf8)) == nil)
        #expect(AudioFormat.sniff(Self.page) == nil)
        #expect(AudioFormat.sniff([0xFF, 0xFB, 0x90, 0x64]) == nil, "one frame header is not enough to call it MP3")
        #expect(AudioFormat.mp4.mime == "audio/mp4" && AudioFormat.mp4.fileExtension == "m4a")
    }

    @Test func refusesEmptyOversizedAndUnknown() {
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.check([]) }
        let oversized = #expect(throws: JournalRefusal.self) {
            try VoiceNoteRules.check(Self.wav(samples: [UInt8](repeating: 0, count: VoiceNoteRules.maxBytes)))
        }
        #expect(oversized == .tooLarge("The voice note is larger than 5 MiB. Record a shorter one (at most 2 minutes)."), "413, not 422")
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.check(Array("hello".utf8)) }
    }

    @Test func findsTruncatedFiles() {
        for (name, whole) in [("wav", Self.wav()), ("ogg", Self.ogg), ("mp4", Self.mp4), ("webm", Self.webm()), ("mp3", Self.mp3)] {
            for cut in [whole.count - 1, whole.count - 3, whole.count * 2 / 3] {
                let format = AudioFormat.sniff(whole)!
                #expect(AudioStructure.defect(Array(whole.prefix(cut)), as: format) == .truncated, "\(name) cut at \(cut)")
            }
        }
    }

    @Test func findsBytesAfterTheEnd() {
        let junk: [UInt8] = Array("not audio at all".utf8)
        for (name, whole) in [("wav", Self.wav()), ("ogg", Self.ogg), ("mp4", Self.mp4), ("webm", Self.webm()), ("mp3", Self.mp3)] {
            let format = AudioFormat.sniff(whole)!
            #expect(AudioStructure.defect(whole, as: format) == nil, "\(name) whole")
            #expect(AudioStructure.defect(whole + junk, as: format) != nil, "\(name) with junk after it")
            #expect(throws: JournalRefusal.self, "\(name) with a page after it") { try VoiceNoteRules.check(whole + Self.page) }
        }
    }

    @Test func findsAPageWhereTheFormatAllowsAnyBytes() {
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.check(Self.wav(samples: Self.page + [0])) }
        #expect(throws: JournalRefusal.self) {
            try VoiceNoteRules.check(Self.wav(extra: Array("junk".utf8) + Self.le32(Self.page.count) + Self.page))
        }
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.check(Self.mp4 + Self.box("free", Self.page)) }
        #expect(AudioStructure.defect(Self.mp4 + Self.box("free", [1, 2, 3]), as: .mp4) == nil, "a free box is fine")
    }

    @Test func markupNeedsARealTag() {
        for found in ["<script>", "<SVG/onload=x>", "x<Html lang=en>", "<?xml version", "<!DOCTYPE html>", "<body\n>"] {
            #expect(AudioMarkup.contains(Array(found.utf8)), "\(found)")
        }
        for missed in ["<scripts", "<htmlx>", "<b>bold</b>", "a < b and c > d", "<sv", "<script"] {
            #expect(!AudioMarkup.contains(Array(missed.utf8)), "\(missed)")
        }
    }

    @Test func twoMinutesAtMost() throws {
        #expect(try VoiceNoteRules.seconds(0.3) == 1)
        #expect(try VoiceNoteRules.seconds(4.4) == 4)
        #expect(try VoiceNoteRules.seconds(120.4) == 120, "a recorder stopped at the cap writes a little more")
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.seconds(121) }
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.seconds(0) }
        #expect(throws: JournalRefusal.self) { try VoiceNoteRules.seconds(.nan) }
    }
}
