import Testing

@testable import FastCGI

/// What nginx reads from a parked poll's answer, which no longer goes through libfcgi's writer.
@Suite("FastCGI records of an answer")
struct FastCGIRecordsTests {
    /// The records in `bytes` as (type, request id, content), checking each header's shape.
    private func records(_ bytes: [UInt8]) -> [(type: UInt8, id: Int, content: [UInt8])] {
        var out: [(UInt8, Int, [UInt8])] = []
        var at = 0
        while at + 8 <= bytes.count {
            #expect(bytes[at] == 1, "version")
            let length = Int(bytes[at + 4]) << 8 | Int(bytes[at + 5])
            let padding = Int(bytes[at + 6])
            out.append((bytes[at + 1], Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]), Array(bytes[(at + 8)..<(at + 8 + length)])))
            at += 8 + length + padding
        }
        #expect(at == bytes.count, "no bytes after the last record")
        return out
    }

    @Test func aSmallAnswerIsOneStdoutRecordTheEndOfStdoutAndEndRequest() {
        let body = Array("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{\"version\":7}".utf8)
        let got = records(FastCGIRecords.answer(body, requestID: 1))
        #expect(got.map(\.type) == [6, 6, 3])
        #expect(got.allSatisfy { $0.id == 1 })
        #expect(got[0].content == body)
        #expect(got[1].content.isEmpty)
        #expect(got[2].content == [0, 0, 0, 0, 0, 0, 0, 0], "application status 0, FCGI_REQUEST_COMPLETE")
    }

    @Test func aLargeAnswerIsSplitIntoRecordsOfAtMost65535BytesInOrder() {
        let body = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let got = records(FastCGIRecords.answer(body, requestID: 513))
        #expect(got.map(\.type) == [6, 6, 6, 6, 3])
        #expect(got.allSatisfy { $0.id == 513 })
        #expect(got.prefix(3).allSatisfy { $0.content.count <= 65_535 })
        #expect(Array(got.prefix(3).map(\.content).joined()) == body)
    }

    @Test func anEmptyAnswerStillEndsTheStreamAndTheRequest() {
        #expect(records(FastCGIRecords.answer([], requestID: 1)).map(\.type) == [6, 3])
    }
}
