"""Helpers for the music library, playlists and liked songs (issue 16).

- tracks_in_db(stack, n, ...): library rows made with SQL (no file behind them), for tests of
  playlists and likes that never play anything.
- Music(stack, account): an account's playlists and likes through the pages, with its CSRF token.
- playlist_rows(stack, uid) / liked_rows(stack, uid): what PostgreSQL holds, to compare before and
  after a request that must change nothing.
- Audio files made with sox and ffmpeg (audio_file), and upload() through /admin/library.
"""

from __future__ import annotations

import secrets
import subprocess
import tempfile
from pathlib import Path

import requests

import accounts_kit
from accounts_kit import brief, user_id
from pomopomo_testkit import Element, parse_html, pomopomo_run


def tracks_in_db(stack, n: int, title: str = "Track", artist: str = "Kit", seconds: int = 61) -> list[str]:
    """n library tracks with made-up file names, oldest first: [id]."""
    tag = secrets.token_hex(3)
    out = stack.psql(
        "with made as (insert into tracks (source, file, mime, bytes, title, artist, duration_seconds, created_at) "
        "select 'library', md5(:'v3' || i) || '.mp3', 'audio/mpeg', 1000, :'v1' || ' ' || i || ' ' || :'v3', :'v2', "
        ":'v4'::int, now() - (:'v5'::int - i) * interval '1 second' "
        "from generate_series(1, :'v5'::int) i returning id, created_at) select id from made order by created_at",
        title, artist, tag, str(seconds), str(n))
    return out.split()


class Music:
    def __init__(self, stack, account):
        self.stack = stack
        self.account = account
        self.user = account.user
        self.uid = user_id(stack, account.email)
        self.token = self.user.csrf("/music/playlists")

    def post(self, path: str, **fields) -> requests.Response:
        return self.user.post_form(path, {"csrf": self.token, **fields})

    def create(self, name: str) -> str:
        r = self.post("/music/playlists", name=name)
        assert r.status_code == 303, f"creating playlist {name!r}: {brief(r)}"
        return r.headers["Location"].split("?")[0].rsplit("/", 1)[1]

    def add(self, playlist: str, track: str) -> requests.Response:
        return self.post(f"/music/tracks/{track}/playlist", playlist_id=playlist)

    def page(self, path: str) -> Element:
        return self.user.page(path)

    def shown(self, path: str, list_id: str) -> list[str]:
        """Track ids listed in element #list_id of a page, in the order shown."""
        ul = self.page(path).by_id(list_id)
        if ul is None:
            return []
        return [li.get("id").removeprefix("track-") for li in ul.find_all("li", cls="track")]

    def playlist_tracks(self, playlist: str) -> list[str]:
        return self.shown(f"/music/playlists/{playlist}", "playlist-tracks")


def playlist_rows(stack, uid: str) -> str:
    return stack.psql(
        "select coalesce(string_agg(p.id || ':' || p.name || ':' || coalesce(pt.track_id::text, '-') || ':' || "
        "coalesce(pt.ord::text, '-'), ',' order by p.id, pt.ord), '') "
        "from playlists p left join playlist_tracks pt on pt.playlist_id = p.id where p.user_id = :'v1'", uid)


def liked_rows(stack, uid: str) -> str:
    return stack.psql(
        "select coalesce(string_agg(track_id::text, ',' order by track_id), '') from liked_tracks where user_id = :'v1'", uid)


# ----------------------------------------------------------------------------------------- audio files

_CACHE = Path(tempfile.gettempdir()) / f"pomopomo-library-kit-{secrets.token_hex(4)}"


def audio_file(kind: str, seconds: float = 2.0, title: str | None = None, artist: str | None = None,
               album: str | None = None, frequency: int = 440) -> bytes:
    """A real audio file of `kind` (mp3, ogg (Vorbis), opus (Ogg Opus), flac, m4a (AAC), wav), a sine
    tone made with sox and encoded with ffmpeg, with the given tags."""
    _CACHE.mkdir(exist_ok=True)
    wav = _CACHE / f"tone-{seconds}-{frequency}.wav"
    if not wav.exists():
        subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(wav), "synth", str(seconds), "sine", str(frequency)],
                       check=True, capture_output=True)
    if kind == "wav":
        return wav.read_bytes()
    codec = {"mp3": ["-c:a", "libmp3lame", "-b:a", "64k"], "ogg": ["-c:a", "libvorbis", "-q:a", "2"],
             "opus": ["-c:a", "libopus", "-b:a", "48k"], "flac": ["-c:a", "flac"], "m4a": ["-c:a", "aac", "-b:a", "64k"]}[kind]
    out = _CACHE / f"{secrets.token_hex(6)}.{kind}"
    meta = []
    for key, value in (("title", title), ("artist", artist), ("album", album)):
        if value is not None:
            meta += ["-metadata", f"{key}={value}"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), *codec, *meta, str(out)], check=True, capture_output=True)
    data = out.read_bytes()
    out.unlink()
    return data


def upload(user, token: str, data: bytes, filename: str = "track.mp3", content_type: str = "audio/mpeg",
           **fields) -> requests.Response:
    """POSTs the admin upload form as a browser does (multipart)."""
    parts = {"csrf": (None, token), **{k: (None, v) for k, v in fields.items()},
             "file": (filename, data, content_type)}
    # Reading, checking and probing a file of up to 64 MiB takes more than a page's 10 s on a busy machine.
    return user.request("POST", "/admin/library", files=parts, timeout=60)


def library_count(stack) -> int:
    return int(stack.psql("select count(*) from tracks where source = 'library'"))


def library_files(stack) -> set[str]:
    """Names of the files in POMOPOMO_UPLOADS/library (temporary ones included)."""
    d = Path(stack.env["POMOPOMO_UPLOADS"]) / "library"
    return {p.name for p in d.iterdir()} if d.is_dir() else set()


def parse(r: requests.Response) -> Element:
    return parse_html(r.text)


def make_admin(stack, music: Music):
    """Makes the account an admin whose browser has passed the second factor (issue 17), so
    /admin/library answers there."""
    accounts_kit.make_admin(stack, music.user, music.account.email)


def add_track_cli(stack, kind: str = "ogg", seconds: float = 4.0, title: str | None = None, artist: str = "Kit",
                  frequency: int = 440) -> str:
    """A real library track (a sine tone of `seconds`) added with `pomopomo library add`, the way
    `make run` seeds the library; returns its id. For tests that need something to play."""
    title = title or f"Tone {secrets.token_hex(3)}"
    path = _CACHE / f"cli-{secrets.token_hex(6)}.{kind}"
    _CACHE.mkdir(exist_ok=True)
    path.write_bytes(audio_file(kind, seconds=seconds, frequency=frequency))
    try:
        out = pomopomo_run(stack, "library", "add", str(path), "--title", title, "--artist", artist)
    finally:
        path.unlink()
    assert out.returncode == 0, f"pomopomo library add: {out.stdout}\n{out.stderr}"
    return out.stdout.split()[1].rstrip(":")
