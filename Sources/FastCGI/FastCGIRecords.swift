/// A whole answer as FastCGI records, for a request whose libfcgi streams were freed while it
/// waited (`FastCGIRequest.shedBuffers`): the body in STDOUT records, the empty STDOUT record that
/// ends the stream, and END_REQUEST (application status 0, request complete). The same records
/// libfcgi's FCGX_Finish_r writes, in one buffer, so the answer goes out in one write.
enum FastCGIRecords {
    static let version: UInt8 = 1
    static let endRequest: UInt8 = 3
    static let stdout: UInt8 = 6
    /// A record's content length is 16 bits.
    static let maxContent = 65_535

    static func answer(_ body: [UInt8], requestID: Int32) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 8 * (body.count / maxContent + 4))
        var start = 0
        while start < body.count {
            let end = min(start + maxContent, body.count)
            header(&out, type: stdout, requestID: requestID, length: end - start)
            out.append(contentsOf: body[start..<end])
            start = end
        }
        header(&out, type: stdout, requestID: requestID, length: 0)
        header(&out, type: endRequest, requestID: requestID, length: 8)
        // appStatus (4 bytes), protocolStatus FCGI_REQUEST_COMPLETE (0), 3 reserved.
        out.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        return out
    }

    private static func header(_ out: inout [UInt8], type: UInt8, requestID: Int32, length: Int) {
        out.append(contentsOf: [
            version, type, UInt8(truncatingIfNeeded: requestID >> 8), UInt8(truncatingIfNeeded: requestID),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length), 0, 0,
        ])
    }
}
