"""A static-file web server for the bundled demo news site, on loopback only.

It behaves like a real news server where the pipeline cares: ETag and Last-Modified with 304
answers, gzip when asked, directory index pages, 404s, and a robots.txt. The literal
`__BASE__` in served files becomes this server's own base URL, so feeds carry absolute links.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsmon.config import Config

_TYPES = {".xml": "application/rss+xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml"}
# The site's files are fixed; one Last-Modified for all keeps 304 answers deterministic.
_LAST_MODIFIED = email.utils.formatdate(1_700_000_000, usegmt=True)


class DemoSite:
    """Serve `root` on host:port (port 0 = any free port) in a background thread."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError(f"demo site serves on loopback only, not {host!r}")
        if not (root / "index.html").is_file():
            raise FileNotFoundError(f"demo site not found at {root} (expected {root / 'index.html'})")
        self.root = root.resolve()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self.host, self.port = host, int(self._server.server_address[1])
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _resolve(self, path: str) -> Path | None:
        target = (self.root / unquote(path).lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "demo-news/1.0"
            protocol_version = "HTTP/1.1"  # keep-alive, as real news sites do

            def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002 - stdlib signature
                site.requests.append(self.path)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                target = site._resolve(path)
                if target is None:
                    self._send(HTTPStatus.NOT_FOUND, b"<html><body><h1>404 Niet gevonden</h1></body></html>",
                               "text/html; charset=utf-8")
                    return
                if path.endswith("/") is False and target.name == "index.html" and not path.endswith(".html"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = target.read_bytes().replace(b"__BASE__", site.base_url.encode())
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                if ctype.startswith("text/html"):
                    ctype = "text/html; charset=utf-8"
                self._send(HTTPStatus.OK, body, ctype, etag)

            def _send(self, status: HTTPStatus, body: bytes, ctype: str, etag: str | None = None) -> None:
                if "gzip" in self.headers.get("Accept-Encoding", "") and len(body) > 512:
                    body = gzip.compress(body, mtime=0)
                    gzipped = True
                else:
                    gzipped = False
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", _LAST_MODIFIED)
                if etag:
                    self.send_header("ETag", etag)
                if gzipped:
                    self.send_header("Content-Encoding", "gzip")
                self.end_headers()
                self.wfile.write(body)

        return Handler


class DemoSiteError(Exception):
    """The demo site cannot be served as configured."""


@contextmanager
def serve_demo(config: Config, enabled: bool = True) -> Iterator[DemoSite | None]:
    """Serve the demo site from settings.demo while the block runs (no-op when not enabled)."""
    if not enabled:
        yield None
        return
    demo = config.settings.demo
    if demo is None:
        raise DemoSiteError(f"{config.directory / 'settings.yaml'}: serving the demo needs a 'demo:' section")
    try:
        site = DemoSite(demo.site_dir, demo.host, demo.port)
    except OSError as exc:
        raise DemoSiteError(f"cannot serve the demo site on {demo.host}:{demo.port}: {exc.strerror or exc}") from exc
    with site:
        yield site
