#!/usr/bin/env python3
"""A fake GitHub (/github/...) and Google (/google/...) for the account tests: OAuth 2.0
authorization code with PKCE (S256), as docs-accounts-spec.md describes. Real HTTP on loopback, so
the responders talk to it exactly as they would to the real providers.

    python3 Tests/fakes/oauth_provider.py [HOST:PORT]      (default 127.0.0.1:18097)

It is strict where a real provider is (client credentials, single-use codes that expire after 60 s
and are bound to their redirect_uri, the PKCE verifier, Bearer tokens, GitHub's User-Agent rule),
so a client mistake fails a test here rather than in production.
The identity it signs in as comes from its authorize form (works without JS); tests preset it:
  POST /_control/identity  {"provider","login","email","verified","subject","name"} (kept until changed)
  GET  /_control/requests  token and API requests received, with headers and token form fields
  POST /_control/reset     forget presets, codes, tokens and the request log
"""

import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CODE_TTL = 60  # seconds
PROVIDERS = {
    "github": {"client_id": "gh-client", "client_secret": "gh-secret", "authorize": "/github/login/oauth/authorize",
               "token": "/github/login/oauth/access_token"},
    "google": {"client_id": "google-client", "client_secret": "google-secret", "authorize": "/google/o/oauth2/v2/auth",
               "token": "/google/token"},
}
API = {"/github/api/user": ("github", "user"), "/github/api/user/emails": ("github", "emails"),
       "/google/v1/userinfo": ("google", "userinfo")}

lock = threading.Lock()
presets, codes, tokens, log = {}, {}, {}, []


def default_subject(provider: str, login: str) -> str:
    """A stable id per login (GitHub's are numbers), so the same login is the same identity."""
    n = int.from_bytes(hashlib.sha256(f"{provider}:{login}".encode()).digest()[:6], "big")
    return str(n) if provider == "github" else "1" + str(n).zfill(20)


def identity_from(provider: str, fields: dict) -> dict:
    login = str(fields.get("login") or "octocat")
    return {"login": login, "name": str(fields.get("name") or ""), "email": str(fields.get("email") or ""),
            "verified": fields.get("verified") in (True, "on", "true", "1"),
            "subject": str(fields.get("subject") or default_subject(provider, login))}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", "replace")).digest()).rstrip(b"=").decode()


def with_query(url: str, params: dict) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


def authorize_problem(provider: str, q: dict) -> str | None:
    """Why these authorize parameters are refused (a real provider shows an error page, no redirect)."""
    redirect = urlsplit(q.get("redirect_uri", ""))
    if q.get("client_id") != PROVIDERS[provider]["client_id"]:
        return f"unknown client_id {q.get('client_id')!r}"
    if redirect.scheme not in ("http", "https") or not redirect.netloc:
        return "redirect_uri is missing or not an absolute http(s) URL"
    if not redirect.path.endswith(f"/auth/{provider}/callback"):  # the "registered" callback
        return f"redirect_uri {q['redirect_uri']!r} is not the registered /auth/{provider}/callback"
    if q.get("response_type") != "code":
        return "response_type must be code"
    if q.get("code_challenge_method") != "S256" or not 43 <= len(q.get("code_challenge", "")) <= 128:
        return "PKCE is required: code_challenge (43-128 chars) with code_challenge_method=S256"
    if not q.get("state"):
        return "state is missing"
    return None


OAUTH_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                "code_challenge_method")


def authorize_page(provider: str, q: dict) -> str:
    who = presets.get(provider) or identity_from(provider, {"name": "Octo Cat", "email": "octocat@example.test",
                                                           "verified": True})
    e = lambda v: html.escape(str(v), quote=True)  # noqa: E731
    hidden = "".join(f'<input type="hidden" name="{k}" value="{e(q.get(k, ""))}">' for k in OAUTH_PARAMS)
    text = "".join(f'<p><label>{k} <input name="{k}" value="{e(who[k])}"></label></p>'
                   for k in ("login", "name", "email", "subject"))
    checked = " checked" if who["verified"] else ""
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>Fake {provider}: authorize</title></head>'
            f'<body><h1>Sign in to {e(provider)} as</h1><form id="authorize" method="post">{hidden}{text}'
            f'<p><label><input type="checkbox" name="verified" value="on"{checked}> email verified</label></p>'
            f'<p>Scope: {e(q.get("scope", ""))}</p>'
            '<button type="submit" name="decision" value="authorize" id="authorize-button">Authorize</button> '
            '<button type="submit" name="decision" value="deny" id="deny-button">Deny</button></form></body></html>')


def token_problem(provider: str, form: dict) -> str | None:
    """Why this token request is refused; pops the code so that it is single-use either way."""
    conf = PROVIDERS[provider]
    if form.get("client_id") != conf["client_id"] or form.get("client_secret") != conf["client_secret"]:
        return "wrong client_id or client_secret (expected as form fields)"
    if form.get("grant_type") != "authorization_code":
        return "grant_type must be authorization_code"
    grant = codes.pop(form.get("code", ""), None)
    if grant is None or grant["provider"] != provider:
        return "unknown or already used code"
    if time.time() - grant["issued"] > CODE_TTL:
        return "code expired"
    if form.get("redirect_uri") != grant["redirect_uri"] or form.get("client_id") != grant["client_id"]:
        return "redirect_uri or client_id differs from the authorize request"
    if s256(form.get("code_verifier", "")) != grant["challenge"]:
        return "code_verifier does not match code_challenge"
    form["_identity"] = grant["identity"]
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status: int, body, content_type="application/json", headers=()):
        data = (json.dumps(body) if content_type == "application/json" else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type + ("; charset=utf-8" if "html" in content_type else ""))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error_page(self, message: str):
        self.reply(400, f"<!doctype html><title>Bad request</title><h1>Bad request</h1><p id=\"error\">"
                        f"{html.escape(message)}</p>", "text/html")

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def record(self, kind: str, provider: str, status: int, problem=None, form=None, issued=None):
        log.append({"kind": kind, "provider": provider, "method": self.command, "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()}, "form": form, "status": status,
                    "problem": problem, "issued_token": issued, "time": time.time()})

    def do_GET(self):
        path, _, query = self.path.partition("?")
        with lock:
            for name, conf in PROVIDERS.items():
                if path == conf["authorize"]:
                    return self.authorize(name, {k: v[0] for k, v in parse_qs(query).items()})
            if path in API:
                return self.api(*API[path])
            if path == "/_control/requests":
                return self.reply(200, log)
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        path, raw = self.path.partition("?")[0], self.body()
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
        with lock:
            for name, conf in PROVIDERS.items():
                if path == conf["authorize"]:
                    return self.decide(name, form)
                if path == conf["token"]:
                    return self.token(name, form)
            if path == "/_control/identity":
                return self.preset(json.loads(raw or b"{}"))
            if path == "/_control/reset":
                presets.clear(), codes.clear(), tokens.clear(), log.clear()
                return self.reply(200, {"ok": True})
        self.reply(404, {"error": "not found"})

    def authorize(self, provider: str, q: dict):
        problem = authorize_problem(provider, q)
        if problem:
            return self.error_page(problem)
        self.reply(200, authorize_page(provider, q), "text/html")

    def decide(self, provider: str, form: dict):
        """The authorize form was submitted: back to the client with a code, or access_denied."""
        problem = authorize_problem(provider, form)
        if problem:
            return self.error_page(problem)
        who = identity_from(provider, form)
        if provider == "github" and not who["subject"].isdigit():
            return self.error_page("GitHub ids are numbers: subject must be digits")
        if form.get("decision") == "deny":
            target = with_query(form["redirect_uri"], {"error": "access_denied", "state": form["state"]})
        else:
            code = secrets.token_urlsafe(24)
            codes[code] = {"provider": provider, "client_id": form["client_id"], "redirect_uri": form["redirect_uri"],
                           "challenge": form["code_challenge"], "identity": who,
                           "issued": time.time()}
            target = with_query(form["redirect_uri"], {"code": code, "state": form["state"]})
        self.reply(302, "", "text/plain", [("Location", target)])

    def token(self, provider: str, form: dict):
        logged = dict(form)
        problem = token_problem(provider, form)
        if problem:
            self.record("token", provider, 400, problem, logged)
            return self.reply(400, {"error": "invalid_grant", "error_description": problem})
        token = ("gho_" if provider == "github" else "ya29.") + secrets.token_urlsafe(24)
        tokens[token] = (provider, form["_identity"])
        self.record("token", provider, 200, None, logged, token)
        answer = {"access_token": token, "token_type": "bearer", "scope": "read:user user:email"}
        if provider == "github" and "json" not in self.headers.get("Accept", ""):
            return self.reply(200, urlencode(answer), "application/x-www-form-urlencoded")  # as GitHub does
        self.reply(200, answer)

    def api(self, provider: str, what: str):
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        owner, who = tokens.get(token.strip(), (None, None)) if scheme.lower() == "bearer" else (None, None)
        if owner != provider:
            self.record("api", provider, 401, "missing or unknown Bearer token")
            return self.reply(401, {"message": "Bad credentials"}, headers=[("WWW-Authenticate", "Bearer")])
        if provider == "github" and not self.headers.get("User-Agent"):  # GitHub's API refuses these
            self.record("api", provider, 403, "no User-Agent header")
            return self.reply(403, {"message": "Please make sure your request has a User-Agent header"})
        self.record("api", provider, 200)
        if what == "user":
            return self.reply(200, {"id": int(who["subject"]), "login": who["login"], "name": who["name"] or None,
                                    "email": None})
        if what == "emails":
            return self.reply(200, [{"email": who["email"], "primary": True, "verified": who["verified"],
                                     "visibility": "private"}] if who["email"] else [])
        info = {"sub": who["subject"], "name": who["name"]}
        if who["email"]:
            info.update(email=who["email"], email_verified=who["verified"])
        self.reply(200, info)

    def preset(self, fields: dict):
        provider = fields.get("provider")
        if provider not in PROVIDERS:
            return self.reply(400, {"error": f"provider must be one of {sorted(PROVIDERS)}"})
        who = identity_from(provider, {**fields, "verified": fields.get("verified", True)})
        if provider == "github" and not who["subject"].isdigit():
            return self.reply(400, {"error": "GitHub ids are numbers: subject must be digits"})
        presets[provider] = who
        self.reply(200, who)


def main():
    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:18097").rpartition(":")
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
    print(f"fake OAuth provider on http://{host}:{port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
