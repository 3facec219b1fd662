"""The HTTP front: routes each request to its platform, after the fault layer has spoken."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from socialkpi.simulator.base import Platform
from socialkpi.simulator.competitors import with_competitors
from socialkpi.simulator.faults import FaultBoard, Faults
from socialkpi.simulator.wire import ApiError, Request, Response, json_response
from socialkpi.simulator.world import World

log = logging.getLogger(__name__)

CONTROL_PREFIX = "/_simulator"


def all_platforms() -> list[Platform]:
    from socialkpi.simulator.facebook import FacebookPages
    from socialkpi.simulator.ga4 import GoogleAnalytics
    from socialkpi.simulator.instagram import Instagram
    from socialkpi.simulator.linkedin import LinkedIn
    from socialkpi.simulator.plausible import Plausible
    from socialkpi.simulator.tiktok import TikTok
    from socialkpi.simulator.x import XApi
    from socialkpi.simulator.youtube import YouTube

    return [
        Instagram(),
        FacebookPages(),
        GoogleAnalytics(),
        XApi(),
        LinkedIn(),
        YouTube(),
        TikTok(),
        Plausible(),
    ]


class SimulatorServer:
    """Every source API on one local port, backed by one deterministic world.

    ``accounts`` maps each source to its accounts: bare ids (the brand's home zone,
    Europe/Berlin) or ``{"id": ..., "timezone": ...}`` dicts. ``today`` is the simulator's
    clock: an instant, or a date (noon UTC of it, so that date is "today" in every zone from
    UTC-12 to UTC+11); by default the real time. Each account sees its own local date; each
    platform cuts days where the real one does (see STATUS.md).
    """

    def __init__(
        self,
        seed: int,
        accounts: Mapping[str, Iterable[str | Mapping[str, str]]],
        host: str = "127.0.0.1",
        port: int = 0,
        faults: dict[str, Faults] | None = None,
        today: date | datetime | None = None,
    ) -> None:
        self.world = World(seed, accounts, today or datetime.now(UTC))
        self.fault_board = FaultBoard(faults)
        self.platforms = with_competitors(all_platforms())  # other brands' public accounts (#12)
        self._mounts = sorted(
            ((mount, platform) for platform in self.platforms for mount in platform.mounts),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._host = host
        self._requested_port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def _bind(self) -> ThreadingHTTPServer:
        handler = _handler_class(self)
        httpd = ThreadingHTTPServer((self._host, self._requested_port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        return httpd

    def start(self) -> SimulatorServer:
        httpd = self._bind()
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() returns quickly
            name="socialkpi-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._bind().serve_forever()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the simulator is not started")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self._host in ("", "0.0.0.0") else self._host
        return f"http://{host}:{self.port}"

    def base_url(self, source: str) -> str:
        """The URL an extractor uses in place of the real API's base URL."""
        for platform in self.platforms:
            if platform.source == source:
                return self.url + platform.mounts[0]
        if source == "youtube-analytics":
            return self.url + "/youtube-analytics"
        raise KeyError(f"unknown source {source!r}")

    # -- faults ----------------------------------------------------------------------------

    def set_faults(self, source: str, faults: Faults) -> None:
        self.fault_board.set(source, faults)

    def clear_faults(self) -> None:
        self.fault_board.clear()

    def requests_served(self) -> dict[str, int]:
        """Requests answered per source (faulty answers included) since start or the last
        :meth:`reset_requests_served`; also ``GET /_simulator/requests``."""
        return self.fault_board.served()

    def reset_requests_served(self) -> None:
        self.fault_board.reset_served()

    # -- dispatch --------------------------------------------------------------------------

    def dispatch(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        split = urlsplit(target)
        path = split.path
        if path.startswith(CONTROL_PREFIX):
            return self._control(method, path, body)
        route = self._route(path)
        if route is None:
            return json_response({"error": f"no simulated API is mounted at {path}"}, 404)
        mount, platform = route
        verdict = self.fault_board.register_call(platform.source)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        host = headers.get("host") or f"127.0.0.1:{self.port}"
        request = Request(
            method=method,
            path=path[len(mount) :] or "/",
            query=query,
            headers=headers,
            body=body,
            mount_url=f"http://{host}{mount}",
            world=self.world,
            verdict=verdict,
        )
        if verdict.faults.slow_ms:
            time.sleep(verdict.faults.slow_ms / 1000)
        response = self._answer(platform, request)
        for name, value in platform.response_headers(request, response).items():
            response.headers.setdefault(name, value)
        return response

    def _route(self, path: str) -> tuple[str, Platform] | None:
        for mount, platform in self._mounts:
            if path == mount or path.startswith(mount + "/"):
                return mount, platform
        return None

    def _answer(self, platform: Platform, request: Request) -> Response:
        faults = request.faults
        token = request.bearer_token()
        if token is None and platform.accepts_query_token:
            token = request.query.get("access_token") or None
        if token is None:
            return platform.missing_token(request)
        if faults.expired_token:
            return platform.expired_token(request)
        if faults.quota_exceeded:
            quota = platform.quota_exceeded(request)
            if quota is not None:
                return quota
        if request.verdict.throttled:
            return platform.throttled(request)
        if request.verdict.server_error:
            return platform.server_error(request)
        try:
            return platform.handle(request)
        except ApiError as error:
            return error.response

    def _control(self, method: str, path: str, body: bytes) -> Response:
        if path == f"{CONTROL_PREFIX}/health" and method == "GET":
            return json_response({"status": "ok"})
        if path == f"{CONTROL_PREFIX}/requests":
            if method == "DELETE":
                self.reset_requests_served()
            return json_response(self.requests_served())
        if path == f"{CONTROL_PREFIX}/faults":
            if method == "GET":
                return json_response(self.fault_board.snapshot())
            if method == "DELETE":
                self.clear_faults()
                return json_response({"status": "cleared"})
            if method == "POST":
                try:
                    payload = json.loads(body or b"{}")
                    parsed = {source: Faults.from_dict(values) for source, values in payload.items()}
                except (ValueError, TypeError, AttributeError) as error:
                    return json_response({"error": str(error)}, status=400)
                for source, faults in parsed.items():
                    self.set_faults(source, faults)
                return json_response({"status": "ok", "faults": self.fault_board.snapshot()})
        return json_response({"error": f"unknown control endpoint {method} {path}"}, 404)


def _handler_class(server: SimulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "socialkpi-simulator"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, delayed ACKs add
            # ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                response = server.dispatch(self.command, self.path, headers, body)
            except Exception:  # a simulator bug: logged, and a body no platform would send
                log.exception("simulator failed on %s %s", self.command, self.path)
                response = json_response({"simulator_error": "unhandled exception"}, 500)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:
            log.debug("%s - %s", self.address_string(), format % args)

    return Handler


def serve(
    seed: int,
    accounts: Mapping[str, Iterable[str | Mapping[str, str]]],
    host: str,
    port: int,
    faults: dict[str, Faults] | None = None,
) -> None:
    """Serve in the foreground until interrupted (what ``socialkpi simulate`` runs)."""
    simulator = SimulatorServer(seed=seed, accounts=accounts, host=host, port=port, faults=faults)
    log.info("socialkpi simulator listening on %s:%s", host, port)
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
