#!/usr/bin/env python3
"""A fake Piped API instance for the music catalogue's tests: real HTTP on loopback, answering the
endpoints Pomopomo uses with the JSON shapes of Piped-Backend (SearchResults, StreamItem, Streams,
PipedStream), and short real audio (made with ffmpeg at start) behind the stream addresses.

    python3 Tests/fakes/piped.py [HOST:PORT] [WORKDIR]      (default 127.0.0.1:18098, a temp dir)

API (what Pomopomo asks):
  GET /search?q=…&filter=…   {"items": [...], "nextpage": …, "suggestion": null, "corrected": false}
  GET /trending?region=XX    [StreamItem, ...]
  GET /streams/{videoId}     Streams (audioStreams, videoStreams, relatedStreams, …)
  GET /videoplayback?v=…&itag=N   the audio bytes (Range works)
Every list mixes in what a real instance also sends and a client must drop: channels, playlists,
Shorts, live streams (duration -1), an item whose url carries no valid video id, a thumbnail over
plain http, and titles with markup and bidirectional overrides. A query containing "nothing"
finds nothing; a video id starting with "LIVE" is a live stream without audio streams.

Control (never faulty):
  POST /_control/fault  {"mode": "ok" | "slow" | "error" | "malformed" | "down", "seconds": 5, "status": 500}
        slow: answer after `seconds`; error: HTTP `status` with Piped's error JSON; malformed: 200
        with broken JSON; down: reset every connection without a word (as a dead instance behind a
        proxy does). Applies to the API endpoints above, audio excepted, until changed.
  GET  /_control/requests   {"count": N, "paths": [...]}: API requests received (faulty ones too)
  POST /_control/reset      fault off, request log emptied
"""

import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

AUDIO_SECONDS = 4
lock = threading.Lock()
state = {"mode": "ok", "seconds": 5.0, "status": 500}
requests_log: list[str] = []
audio: dict[str, bytes] = {}
base_url = ""


def video_id(seed: str) -> str:
    """A stable 11-character YouTube-style id for any text."""
    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode()[:11]


def duration_of(vid: str) -> int:
    return 120 + int.from_bytes(hashlib.sha256(vid.encode()).digest()[:2], "big") % 180


def stream_item(vid: str, title: str, uploader: str, thumbnail: str | None = None, **extra) -> dict:
    item = {
        "type": "stream", "url": f"/watch?v={vid}", "title": title,
        "thumbnail": thumbnail if thumbnail is not None else f"https://proxy.piped.test/vi/{vid}/hqdefault.jpg?host=i.ytimg.com",
        "uploaderName": uploader, "uploaderUrl": "/channel/UCfake", "uploaderAvatar": None,
        "uploadedDate": "1 year ago", "shortDescription": None, "duration": duration_of(vid), "views": 12345,
        "uploaded": 1700000000000, "uploaderVerified": False, "isShort": False,
    }
    item.update(extra)
    return item


def noise(seed: str) -> list[dict]:
    """What real lists also carry and a client must leave out."""
    return [
        {"type": "channel", "url": "/channel/UCnoise", "name": "A channel", "thumbnail": "https://proxy.piped.test/c.jpg",
         "description": None, "subscribers": 10, "videos": 3, "verified": False},
        {"type": "playlist", "url": "/playlist?list=PLnoise", "name": "A playlist", "thumbnail": "https://proxy.piped.test/p.jpg",
         "uploaderName": "Someone", "uploaderUrl": None, "uploaderVerified": False, "playlistType": "NORMAL", "videos": 12},
        stream_item(video_id(seed + "short"), "A Short", "Shorts maker", isShort=True, duration=30),
        stream_item(video_id(seed + "live"), "Live radio 24/7", "Radio", duration=-1),
        stream_item("not an id!", "Bad id", "Nobody", url="/watch?v=not an id!"),
        stream_item(video_id(seed + "noid"), "No url", "Nobody", url="/channel/UCx"),
    ]


def search_items(q: str) -> list[dict]:
    if "nothing" in q.lower():
        return []
    items = []
    for i in range(1, 9):
        vid = video_id(f"search:{q.lower()}:{i}")
        thumb = f"http://plain.piped.test/vi/{vid}.jpg" if i == 3 else None
        items.append(stream_item(vid, f"{q} (song {i})", f"Artist {i} - Topic", thumb))
    items[4:4] = noise("search:" + q)
    items.append(dict(items[0]))  # a duplicate
    return items


def trending_items() -> list[dict]:
    items = [stream_item(video_id(f"trending:{i}"), f"Trending hit {i}", f"Band {i}") for i in range(1, 13)]
    items[1]["title"] = '<script>alert("trending")</script> & <b>bold</b>'
    items[2]["title"] = "Left \u202eright\u202c done"
    items[3]["thumbnail"] = "javascript:alert(1)"
    return items[:4] + noise("trending") + items[4:]


def streams(vid: str) -> dict:
    live = vid.startswith("LIVE")
    expire = int(time.time()) + 6 * 3600

    def fmt(itag: int, mime: str, bitrate: int, quality: str, video_only: bool = False, track_type: str | None = None,
            codec: str = "mp4a.40.2") -> dict:
        return {
            "url": f"{base_url}/videoplayback?v={vid}&itag={itag}&expire={expire}"
                   + (f"&acont={track_type.lower()}" if track_type else ""), "format": mime.split("/")[1].upper(),
            "quality": quality, "mimeType": mime, "codec": codec, "audioTrackId": None, "audioTrackName": None,
            "audioTrackType": track_type, "audioTrackLocale": None, "videoOnly": video_only, "itag": itag, "bitrate": bitrate,
            "initStart": 0, "initEnd": 0, "indexStart": 0, "indexEnd": 0, "width": 0, "height": 0, "fps": 0,
            "contentLength": len(audio.get("m4a", b"")),
        }

    related = [stream_item(video_id(f"related:{vid}:{i}"), f"Related to {vid} #{i}", f"Related artist {i} - Topic")
               for i in range(1, 7)]
    related.insert(2, noise("related:" + vid)[0])
    related.append(stream_item(vid, "The video itself", "Fake Artist - Topic"))
    return {
        "title": f"Song {vid}", "description": "<p>A fake song</p>", "uploadDate": "2024-01-01T00:00:00Z",
        "uploader": "Fake Artist - Topic", "uploaderUrl": "/channel/UCfake", "uploaderAvatar": None,
        "thumbnailUrl": f"https://proxy.piped.test/vi/{vid}/maxresdefault.jpg", "hls": None, "dash": None,
        "lbryId": None, "category": "Music", "license": "YouTube licence", "visibility": "public", "tags": [],
        "metaInfo": [], "uploaderVerified": False, "duration": -1 if live else duration_of(vid), "views": 1,
        "likes": 1, "dislikes": -1, "uploaderSubscriberCount": 1, "uploaded": 1700000000000,
        "audioStreams": [] if live else [
            fmt(251, "audio/webm", 160000, "160 kbps", codec="opus"),
            fmt(140, "audio/mp4", 128000, "128 kbps", track_type="DUBBED"),
            fmt(140, "audio/mp4", 129000, "128 kbps", track_type="ORIGINAL"),
            fmt(139, "audio/mp4", 48000, "48 kbps", track_type="ORIGINAL"),
        ],
        "videoStreams": [
            fmt(137, "video/mp4", 4000000, "1080p", video_only=True, codec="avc1"),
            fmt(18, "video/mp4", 500000, "360p", codec="avc1"),
        ],
        "relatedStreams": related, "subtitles": [], "livestream": live,
        "proxyUrl": base_url, "chapters": [], "previewFrames": [],
    }


def make_audio(workdir: str):
    """Short real audio: a 4-second tone as AAC in MP4 and as Opus in WebM."""
    encoders = {"m4a": ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"], "webm": ["-c:a", "libopus", "-b:a", "48k"]}
    for ext, codec in encoders.items():
        path = os.path.join(workdir, f"tone.{ext}")
        if not os.path.exists(path):
            subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                            f"sine=frequency=440:duration={AUDIO_SECONDS}", *codec, path], check=True, timeout=60)
        with open(path, "rb") as f:
            audio[ext] = f.read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakePiped/1.0"

    def log_message(self, fmt, *args):  # quiet; the request log is /_control/requests
        pass

    def handle_one_request(self):
        # A client that gave up on a slow answer (Pomopomo's timeout) is not an error here.
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_json(self, status: int, value, raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reset_connection(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def do_GET(self):
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/_control/requests":
            with lock:
                return self.send_json(200, {"count": len(requests_log), "paths": list(requests_log)})
        if url.path == "/videoplayback":
            return self.send_audio(q)
        api = url.path in ("/search", "/trending") or url.path.startswith("/streams/")
        if not api:
            return self.send_json(404, {"error": "Not Found"})
        with lock:
            requests_log.append(self.path)
            mode, seconds, status = state["mode"], state["seconds"], state["status"]
        if mode == "down":
            return self.reset_connection()
        if mode == "slow":
            time.sleep(seconds)
        if mode == "error":
            return self.send_json(status, {"error": "me.kavin.piped.utils.exceptions.ExtractionException",
                                           "message": "The page needs to be reloaded."})
        if mode == "malformed":
            return self.send_json(200, None, raw=b'{"items": [{"type": "stream", "url": "/watch?v=')
        if url.path == "/search":
            if not q.get("q") or not q.get("filter"):
                return self.send_json(400, {"error": "query and filter are required parameters"})
            return self.send_json(200, {"items": search_items(q["q"]), "nextpage": '{"url": "x"}', "suggestion": None,
                                        "corrected": False})
        if url.path == "/trending":
            if not q.get("region"):
                return self.send_json(400, {"error": "region is a required parameter"})
            return self.send_json(200, trending_items())
        vid = url.path.removeprefix("/streams/")
        if len(vid) != 11:
            return self.send_json(500, {"error": "ParsingException", "message": "Could not get video id"})
        return self.send_json(200, streams(vid))

    def send_audio(self, q: dict):
        body = audio["webm"] if q.get("itag") == "251" else audio["m4a"]
        mime = {"251": "audio/webm", "18": "video/mp4"}.get(q.get("itag", ""), "audio/mp4")
        start, end = 0, len(body) - 1
        rng = self.headers.get("Range", "")
        status = 200
        if rng.startswith("bytes="):
            first, _, last = rng[6:].partition("-")
            try:
                start = int(first) if first else max(0, len(body) - int(last))
                end = min(int(last), len(body) - 1) if first and last else end
            except ValueError:
                start, end = 0, len(body) - 1
            if start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(body[start:end + 1])

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path == "/_control/fault":
            fault = json.loads(raw or b"{}")
            if fault.get("mode") not in ("ok", "slow", "error", "malformed", "down"):
                return self.send_json(400, {"error": "mode is ok, slow, error, malformed or down"})
            with lock:
                state.update({"mode": fault["mode"], "seconds": float(fault.get("seconds", 5)),
                              "status": int(fault.get("status", 500))})
            return self.send_json(200, dict(state))
        if url.path == "/_control/reset":
            with lock:
                state.update({"mode": "ok", "seconds": 5.0, "status": 500})
                requests_log.clear()
            return self.send_json(200, {})
        return self.send_json(405, {"error": "Method Not Allowed"})


def main():
    global base_url
    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:18098").rpartition(":")
    workdir = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="fake-piped.")
    os.makedirs(workdir, exist_ok=True)
    make_audio(workdir)
    base_url = f"http://{host or '127.0.0.1'}:{port}"
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
    server.daemon_threads = True
    print(f"fake Piped on {base_url} (audio in {workdir})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
