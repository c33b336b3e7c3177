import Curl
import Foundation
import Sodium
import Web

/// A sign-in provider (GitHub or Google) and how to talk to it: the authorization-code flow
/// with PKCE (RFC 7636, S256) and `state`, then one or two API calls for who the person is.
public struct OAuthProvider: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case github, google }

    public let kind: Kind
    let clientID: String
    let clientSecret: String
    let authorizeURL: String
    let tokenURL: String
    /// GitHub: the REST API root (…/user, …/user/emails). Google: the OIDC userinfo endpoint.
    let identityURL: String

    var label: String { kind == .github ? "GitHub" : "Google" }
    var scope: String { kind == .github ? "read:user user:email" : "openid email profile" }

    /// Providers with a client id and secret in the environment; endpoints default to the real ones.
    static func configured(_ env: [String: String]) throws -> [OAuthProvider] {
        var providers: [OAuthProvider] = []
        for kind in Kind.allCases {
            let prefix = "POMOPOMO_\(kind.rawValue.uppercased())_"
            guard let id = env[prefix + "CLIENT_ID"], !id.isEmpty else { continue }
            guard let secret = env[prefix + "CLIENT_SECRET"], !secret.isEmpty else {
                throw Config.Problem(description: "\(prefix)CLIENT_ID is set but \(prefix)CLIENT_SECRET is not")
            }
            func url(_ key: String, _ fallback: String) throws -> String {
                let value = env[prefix + key].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
                guard value.hasPrefix("https://") || value.hasPrefix("http://") else {
                    throw Config.Problem(description: "\(prefix)\(key) must be an http(s) URL, got “\(value)”")
                }
                return value
            }
            switch kind {
            case .github:
                providers.append(
                    OAuthProvider(
                        kind: kind, clientID: id, clientSecret: secret,
                        authorizeURL: try url("AUTHORIZE_URL", "https://github.com/login/oauth/authorize"),
                        tokenURL: try url("TOKEN_URL", "https://github.com/login/oauth/access_token"),
                        identityURL: try url("API_URL", "https://api.github.com")))
            case .google:
                providers.append(
                    OAuthProvider(
                        kind: kind, clientID: id, clientSecret: secret,
                        authorizeURL: try url("AUTHORIZE_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
                        tokenURL: try url("TOKEN_URL", "https://oauth2.googleapis.com/token"),
                        identityURL: try url("USERINFO_URL", "https://openidconnect.googleapis.com/v1/userinfo")))
            }
        }
        return providers
    }

    func redirectURI(baseURL: String) -> String { "\(baseURL)/auth/\(kind.rawValue)/callback" }

    /// Where the browser goes to sign in; `challenge` is BASE64URL(SHA-256(verifier)).
    /// scheme://host[:port] of the authorization page, for the CSP of pages with its form.
    var authorizeOrigin: String {
        guard let schemeEnd = authorizeURL.range(of: "://") else { return authorizeURL }
        let host = authorizeURL[schemeEnd.upperBound...].split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return String(authorizeURL[..<schemeEnd.upperBound]) + host
    }

    func authorizationURL(baseURL: String, state: String, challenge: String) -> String {
        let query = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI(baseURL: baseURL)),
            ("scope", scope), ("state", state), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ]
        .map { "\($0.0)=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
        return authorizeURL + (authorizeURL.contains("?") ? "&" : "?") + query
    }

    /// Who signed in, as the provider vouches for it.
    struct Identity: Sendable {
        let subject: String
        let email: String?
        let emailVerified: Bool
        let login: String?
        let name: String?
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Trades the code for a token and asks who it belongs to. Blocks on two or three HTTP calls.
    func identity(code: String, verifier: String, baseURL: String) throws -> Identity {
        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI(baseURL: baseURL)),
            ("client_id", clientID), ("client_secret", clientSecret), ("code_verifier", verifier),
        ]
        .map { "\($0.0)=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
        let tokenReply = try Curl.http(
            url: tokenURL, headers: ["Accept: application/json", "Content-Type: application/x-www-form-urlencoded"],
            body: Array(form.utf8))
        guard tokenReply.status == 200, let token = (try? json(tokenReply.body) as? [String: Any])?["access_token"] as? String,
            !token.isEmpty, token.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        else {
            throw Failure(description: "token endpoint answered \(tokenReply.status)")
        }
        let auth = ["Authorization: Bearer \(token)", "Accept: application/json", "User-Agent: Pomopomo"]
        switch kind {
        case .github:
            let user = try object(Curl.http(url: identityURL + "/user", headers: auth))
            let subject = (user["id"] as? Int).map(String.init) ?? (user["id"] as? String) ?? ""
            let emails = (try? json(Curl.http(url: identityURL + "/user/emails", headers: auth).body)) as? [[String: Any]] ?? []
            let primary = emails.first { $0["primary"] as? Bool == true } ?? emails.first
            return Identity(
                subject: subject, email: primary?["email"] as? String ?? user["email"] as? String,
                emailVerified: primary?["verified"] as? Bool ?? false,
                login: user["login"] as? String, name: user["name"] as? String)
        case .google:
            let info = try object(Curl.http(url: identityURL, headers: auth))
            return Identity(
                subject: info["sub"] as? String ?? "", email: info["email"] as? String,
                emailVerified: info["email_verified"] as? Bool ?? false,
                login: (info["email"] as? String)?.split(separator: "@").first.map(String.init), name: info["name"] as? String)
        }
    }

    private func object(_ reply: Curl.HTTPResponse) throws -> [String: Any] {
        guard reply.status == 200, let object = try? json(reply.body) as? [String: Any] else {
            throw Failure(description: "identity endpoint answered \(reply.status)")
        }
        return object
    }

    private func json(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes))
    }

    /// A PKCE verifier (43 characters of base64url) and its S256 challenge.
    static func pkcePair() -> (verifier: String, challenge: String) {
        let verifier = Base64URL.encode(Sodium.randomBytes(32))
        return (verifier, Base64URL.encode(Sodium.sha256(Array(verifier.utf8))))
    }
}
