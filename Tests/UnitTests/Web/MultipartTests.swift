import Testing

@testable import Web

@Suite("Multipart")
struct MultipartTests {
    func body(_ parts: [String], boundary: String = "XyZ") -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n").utf8)
    }

    @Test func parsesFieldsAndFiles() throws {
        let parts = try Multipart.parse(
            body([
                "Content-Disposition: form-data; name=\"title\"\r\n\r\nHello",
                "Content-Disposition: form-data; name=\"file\"; filename=\"a;b.png\"\r\nContent-Type: image/png\r\n\r\n\u{89}PNG",
            ]), boundary: "XyZ")
        #expect(parts.count == 2)
        #expect(parts[0].name == "title")
        #expect(String(decoding: parts[0].body, as: UTF8.self) == "Hello")
        #expect(parts[1].filename == "a;b.png")
        #expect(parts[1].contentType == "image/png")
    }

    @Test func readsBoundaryFromContentType() {
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=\"abc\"") == "abc")
        #expect(Multipart.boundary(fromContentType: "multipart/form-data") == nil)
        #expect(Multipart.boundary(fromContentType: "text/plain; boundary=abc") == nil)
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 71)) == nil)
    }

    @Test func rejectsMalformedBodies() {
        // Boundary never appears.
        #expect(throws: ClientError.self) { try Multipart.parse(Array("hello".utf8), boundary: "XyZ") }
        // A part never closed.
        #expect(throws: ClientError.self) {
            try Multipart.parse(Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8), boundary: "XyZ")
        }
        // No Content-Disposition.
        #expect(throws: ClientError.self) { try Multipart.parse(body(["Content-Type: text/plain\r\n\r\nx"]), boundary: "XyZ") }
        // A bare LF smuggled into a header line.
        #expect(throws: ClientError.self) {
            try Multipart.parse(body(["Content-Disposition: form-data; name=\"a\"\nX-Evil: 1\r\n\r\nx"]), boundary: "XyZ")
        }
    }

    @Test func capsThePartCount() {
        let many = (0..<(Multipart.maxParts + 1)).map { "Content-Disposition: form-data; name=\"f\($0)\"\r\n\r\nx" }
        #expect(throws: ClientError.self) { try Multipart.parse(body(many), boundary: "XyZ") }
    }
}
