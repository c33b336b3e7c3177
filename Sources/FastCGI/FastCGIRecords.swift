import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A whole FastCGI answer as records (FastCGI 1.0, section 5): the response head and body in
/// STDOUT records, the empty STDOUT record that ends that stream, and END_REQUEST (application
/// status 0, request complete): the records libfcgi's FCGX_Finish_r would write, handed to the
/// kernel in one writev(2) (more only when the socket takes part of it). Every answer goes this
/// way, a parked poll's too, whose libfcgi streams were freed while it waited. libfcgi's own output
/// stream writes a record per 8 KiB of its buffer, so a 25 kB page cost four writes and nginx
/// four reads; at a few thousand pages a second those system calls were a quarter of the
/// responder's CPU. The head and body are not copied into one buffer first: the records'
/// headers go between them in the vector.
enum FastCGIRecords {
    static let version: UInt8 = 1
    static let endRequest: UInt8 = 3
    static let stdout: UInt8 = 6
    /// The most content one record carries (its length field is 16 bits), kept a multiple of 8.
    static let maxContent = 65528

    /// Writes the answer `head` + `body` to request `id` on `fd`; false when the peer is gone
    /// (the caller closes the connection either way).
    static func write(head: [UInt8], body: [UInt8], requestID id: Int32, to fd: Int32) -> Bool {
        let total = head.count + body.count
        let records = (total + maxContent - 1) / maxContent
        // Each record's header, then the empty STDOUT record's and END_REQUEST's with its body.
        var headers: [UInt8] = []
        headers.reserveCapacity(8 * records + 24)
        var left = total
        for _ in 0..<records {
            header(stdout, id: id, length: min(maxContent, left), into: &headers)
            left -= maxContent
        }
        header(stdout, id: id, length: 0, into: &headers)
        header(endRequest, id: id, length: 8, into: &headers)
        // appStatus 0, FCGI_REQUEST_COMPLETE, three reserved bytes.
        headers.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        return head.withUnsafeBytes { head in
            body.withUnsafeBytes { body in
                headers.withUnsafeBytes { headers in
                    var vector: [iovec] = []
                    vector.reserveCapacity(2 * records + 3)
                    func add(_ base: UnsafeRawPointer, _ count: Int) {
                        if count > 0 { vector.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: count)) }
                    }
                    // The content runs over the head, then the body; a record may hold the end of
                    // one and the start of the other.
                    var offset = 0
                    for record in 0..<records {
                        add(headers.baseAddress! + 8 * record, 8)
                        let end = min(offset + maxContent, total)
                        if offset < head.count { add(head.baseAddress! + offset, min(end, head.count) - offset) }
                        if end > head.count {
                            let start = max(offset, head.count) - head.count
                            add(body.baseAddress! + start, end - head.count - start)
                        }
                        offset = end
                    }
                    add(headers.baseAddress! + 8 * records, 24)
                    return writeAll(&vector, to: fd)
                }
            }
        }
    }

    private static func header(_ type: UInt8, id: Int32, length: Int, into out: inout [UInt8]) {
        out.append(contentsOf: [
            version, type, UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id), UInt8(truncatingIfNeeded: length >> 8),
            UInt8(truncatingIfNeeded: length), 0, 0,
        ])
    }

    /// writev until every byte is out, moving past what a partial write took.
    private static func writeAll(_ vector: inout [iovec], to fd: Int32) -> Bool {
        var first = 0
        while first < vector.count {
            let wrote = vector.withUnsafeBufferPointer { writev(fd, $0.baseAddress! + first, Int32(min($0.count - first, 1024))) }
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { return false }
            var taken = wrote
            while first < vector.count && taken >= vector[first].iov_len {
                taken -= vector[first].iov_len
                first += 1
            }
            if taken > 0 {
                vector[first].iov_base += taken
                vector[first].iov_len -= taken
            }
        }
        return true
    }
}
