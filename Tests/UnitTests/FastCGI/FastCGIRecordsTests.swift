import Foundation
import Testing

@testable import FastCGI

#if canImport(Glibc)
import Glibc
#endif

/// What nginx reads from an answer, which no longer goes through libfcgi's writer.
@Suite("FastCGI records of an answer")
struct FastCGIRecordsTests {
    /// What the other end of a socket reads when `FastCGIRecords.write` sends `head` and `body`
    /// (from another thread, so an answer larger than the socket's buffer is read as it goes).
    private func sent(head: [UInt8], body: [UInt8], requestID: Int32) -> [UInt8] {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let writer = fds[0]
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = FastCGIRecords.write(head: head, body: body, requestID: requestID, to: writer)
            close(writer)
            done.signal()
        }.start()
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[1], $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        done.wait()
        close(fds[1])
        return out
    }

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
        let head = Array("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n".utf8)
        let got = records(sent(head: head, body: Array("{\"version\":7}".utf8), requestID: 1))
        #expect(got.map(\.type) == [6, 6, 3])
        #expect(got.allSatisfy { $0.id == 1 })
        #expect(got[0].content == body)
        #expect(got[1].content.isEmpty)
        #expect(got[2].content == [0, 0, 0, 0, 0, 0, 0, 0], "application status 0, FCGI_REQUEST_COMPLETE")
    }

    @Test func aLargeAnswerIsSplitIntoRecordsOfAtMost65535BytesInOrder() {
        // A record ends inside the head once and several times inside the body.
        for headLength in [0, 100, 65_528, 70_000] {
            let head = (0..<headLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let body = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let got = records(sent(head: head, body: body, requestID: 513))
            let stdout = got.dropLast(2)
            #expect(got.suffix(2).map(\.type) == [6, 3])
            #expect(stdout.allSatisfy { $0.type == 6 && !$0.content.isEmpty && $0.content.count <= 65_535 })
            #expect(got.allSatisfy { $0.id == 513 })
            #expect(Array(stdout.map(\.content).joined()) == head + body)
        }
    }

    @Test func anEmptyAnswerStillEndsTheStreamAndTheRequest() {
        #expect(records(sent(head: [], body: [], requestID: 1)).map(\.type) == [6, 3])
    }
}
