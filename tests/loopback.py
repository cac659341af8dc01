"""A real HTTP server on 127.0.0.1 whose answers each test scripts per path.

Status codes, headers, redirects, slow and dripping bodies, resets: all go over a real socket,
so timeouts, encodings and redirects behave as they would against a news site.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the status line
    drip_s: float = 0.0  # between single bytes of the body
    gzip: bool = False  # send the body gzip-encoded
    reset: bool = False  # close the socket without answering
    etag: str | None = None  # answer 304 when If-None-Match matches


Handler = Callable[[BaseHTTPRequestHandler], Route]


class LoopbackServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host  # any 127.x.y.z: all of 127/8 is loopback
        self.routes: dict[str, Route | Handler] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.hits.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if callable(route):
                    route = route(self)
                if route is None:
                    route = Route(404, b"not found")
                if route.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                time.sleep(route.delay_s)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = gzip.compress(route.body) if route.gzip else route.body
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if route.drip_s:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(route.drip_s)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up early (size caps, timeouts) are part of the tests

        self._httpd = _Server((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
