import Testing

@testable import Web

@Suite("Router")
struct RouterTests {
    let router = Router<String>([
        .init("GET", "/", "home"),
        .init("POST", "/rooms", "create"),
        .init("GET", "/r/:code", "room"),
        .init("GET", "/r/:code/poll", "poll"),
        .init("POST", "/r/:code/join", "join"),
    ])

    func name(_ method: String, _ path: String) -> String {
        switch router.match(method: method, path: path) {
        case .found(let route, let parameters): return route.handler + (parameters["code"].map { ":" + $0 } ?? "")
        case .methodNotAllowed(let allowed): return "405 " + allowed.joined(separator: ",")
        case .notFound: return "404"
        }
    }

    @Test func matchesLiteralsAndCaptures() {
        #expect(name("GET", "/") == "home")
        #expect(name("GET", "/r/ABC-DEF") == "room:ABC-DEF")
        #expect(name("GET", "/r/ABC-DEF/poll") == "poll:ABC-DEF")
        #expect(name("HEAD", "/r/x") == "room:x")
    }

    @Test func aCaptureMayEndInALiteralSuffix() {
        let files = Router<String>([.init("GET", "/b/:code.svg", "svg"), .init("GET", "/b/:code", "page")])
        func name(_ path: String) -> String {
            if case .found(let route, let parameters) = files.match(method: "GET", path: path) {
                return route.handler + ":" + (parameters["code"] ?? "")
            }
            return "404"
        }
        #expect(name("/b/12.svg") == "svg:12")
        #expect(name("/b/12") == "page:12")
        #expect(name("/b/.svg") == "page:.svg", "an empty capture before the suffix is not the SVG")
        #expect(name("/b/12.svgz") == "page:12.svgz")
    }

    @Test func wrongMethodIs405WithAllowedList() {
        #expect(name("GET", "/rooms") == "405 POST")
        #expect(name("DELETE", "/r/x") == "405 GET,HEAD")
        #expect(name("TRACE", "/") == "405 GET,HEAD")
    }

    @Test func unknownPathsAre404() {
        #expect(name("GET", "/nope") == "404")
        #expect(name("GET", "/r/x/") == "404")
        #expect(name("GET", "/r//x") == "404")
        #expect(name("GET", "/r/x/poll/extra") == "404")
    }
}
