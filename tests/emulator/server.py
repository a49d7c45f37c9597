"""The emulator's loopback HTTP server: routing, request recording and fault injection.

One server answers X, LinkedIn and Bluesky's XRPC (their paths don't collide). Handlers run
one at a time under a lock, so state is consistent; stalls (accept-then-timeout) happen
outside the lock.
"""

from __future__ import annotations

import datetime as dt
import http.server
import re
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

from scheduler.clock import FakeClock
from tests.emulator import bluesky as bsky
from tests.emulator import linkedin as li
from tests.emulator import x as xapi
from tests.emulator.faults import Fault, FaultPlan
from tests.emulator.messages import Refuse, Reply, Request

Handler = Callable[..., Reply]
DEFAULT_START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class Emulator:
    """X, LinkedIn and Bluesky on `http://127.0.0.1:<port>`. Use as a context manager or
    start/stop.

    Tests drive it through: `fail_next`, `accept_then_timeout`, `reset_connection`,
    `rate_limit_next`; and read `requests`, `calls(op)`, `x_posts`, `linkedin_posts`,
    `bluesky_posts`."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock(DEFAULT_START)
        self.x = xapi.XState(self.clock)
        self.linkedin = li.LinkedInState(self.clock)
        self.bluesky = bsky.BlueskyState(self.clock)
        self.faults = FaultPlan()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.routes: list[tuple[str, re.Pattern[str], str, Handler]] = [
            ("POST", re.compile(r"/2/media/upload"), "x.media_upload", self.x.media_upload),
            ("POST", re.compile(r"/2/media/metadata"), "x.media_metadata", self.x.media_metadata),
            ("POST", re.compile(r"/2/tweets"), "x.create_tweet", self.x.create_tweet),
            ("GET", re.compile(r"/2/tweets"), "x.get_tweets", self.x.get_tweets),
            ("GET", re.compile(r"/2/tweets/([0-9]+)"), "x.get_tweet", self.x.get_tweets),
            ("GET", re.compile(r"/2/users/me"), "x.get_me", self.x.me),
            ("GET", re.compile(r"/2/users/([0-9]+)/tweets"), "x.user_tweets", self.x.user_tweets),
            ("POST", re.compile(r"/oauth/request_token"), "x.request_token", self.x.request_token),
            ("GET", re.compile(r"/oauth/authorize"), "x.authorize", self.x.authorize_page),
            ("POST", re.compile(r"/oauth/access_token"), "x.access_token", self.x.access_token),
            (
                "POST",
                re.compile(r"/rest/images"),
                "linkedin.initialize_upload",
                self.linkedin.initialize_upload,
            ),
            ("PUT", re.compile(r"/dms-uploads/([^/]+)"), "linkedin.upload", self.linkedin.upload),
            (
                "GET",
                re.compile(r"/rest/images/([^/]+)"),
                "linkedin.get_image",
                self.linkedin.get_image,
            ),
            ("POST", re.compile(r"/rest/posts"), "linkedin.create_post", self.linkedin.create_post),
            ("GET", re.compile(r"/rest/posts"), "linkedin.find_posts", self.linkedin.find_posts),
            (
                "GET",
                re.compile(r"/rest/organizationalEntityShareStatistics"),
                "linkedin.share_statistics",
                self.linkedin.share_statistics,
            ),
            (
                "GET",
                re.compile(r"/rest/socialActions/([^/]+)"),
                "linkedin.social_actions",
                self.linkedin.social_actions,
            ),
            ("GET", re.compile(r"/v2/userinfo"), "linkedin.userinfo", self.linkedin.userinfo),
            (
                "GET",
                re.compile(r"/oauth/v2/authorization"),
                "linkedin.authorization",
                self.linkedin.authorization,
            ),
            (
                "POST",
                re.compile(r"/oauth/v2/accessToken"),
                "linkedin.access_token",
                self.linkedin.access_token,
            ),
            (
                "POST",
                re.compile(r"/oauth/v2/introspectToken"),
                "linkedin.introspect",
                self.linkedin.introspect,
            ),
        ]
        xrpc = {
            ("POST", "com.atproto.server.createSession"): "create_session",
            ("POST", "com.atproto.server.refreshSession"): "refresh_session",
            ("GET", "com.atproto.server.getSession"): "get_session",
            ("GET", "com.atproto.identity.resolveHandle"): "resolve_handle",
            ("POST", "com.atproto.repo.uploadBlob"): "upload_blob",
            ("POST", "com.atproto.repo.createRecord"): "create_record",
            ("GET", "com.atproto.repo.listRecords"): "list_records",
            ("GET", "app.bsky.feed.getPosts"): "get_posts",
        }
        for (verb, nsid), op in xrpc.items():
            pattern = re.compile("/xrpc/" + re.escape(nsid))
            self.routes.append((verb, pattern, f"bluesky.{op}", getattr(self.bluesky, op)))

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> Emulator:
        emulator = self

        class RequestHandler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self) -> None:
                emulator._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._server.daemon_threads = True
        self.linkedin.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "emulator not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- fault injection --------------------------------------------------------------------

    def fail_next(
        self,
        op: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
        perform: bool = False,
    ) -> None:
        """Answer the next `times` calls of `op` with `status` (the platform's usual body
        unless `body` is given). With `perform`, the action happens first (a 500 after the
        post was made)."""
        self.faults.add(Fault(op, "status", status, dict(headers or {}), body, perform), times)

    def accept_then_timeout(self, op: str, stall: float = 2.0) -> None:
        """Perform the next `op`, then hold the answer for `stall` seconds (past the
        client's timeout)."""
        self.faults.add(Fault(op, "accept_then_timeout", perform=True, stall=stall))

    def hold_next(self, op: str, *, perform: bool = True, limit: float = 60.0) -> Fault:
        """Hold the next `op` (after acting, with `perform`) until the test releases it: the
        returned fault's `arrived` is set when the request is in, `released.set()` lets the
        normal answer go out (after `limit` seconds it goes out anyway). For putting a real
        client process at an exact point, e.g. to SIGKILL it while it waits."""
        fault = Fault(op, "hold", perform=perform, stall=limit)
        self.faults.add(fault)
        return fault

    def reset_connection(self, op: str, *, perform: bool = True) -> None:
        """Drop the connection with a TCP reset on the next `op` (after acting, by default)."""
        self.faults.add(Fault(op, "reset", perform=perform))

    def rate_limit_next(self, op: str, reset_at: dt.datetime, window: str = "15min") -> None:
        """A 429 with the reset headers of `window`: "15min", "24h-user" or "24h-app"."""
        stamp = str(int(reset_at.timestamp()))
        if op.startswith("linkedin."):
            self.fail_next(op, 429)
            return
        if op.startswith("bluesky."):
            limit = {"ratelimit-limit": "5000", "ratelimit-remaining": "0"}
            headers = limit | {"ratelimit-reset": stamp, "ratelimit-policy": "5000;w=3600"}
            self.fail_next(op, 429, headers=headers)
            return
        now = int(self.clock.now().timestamp())
        headers = {
            "x-rate-limit-limit": "900",
            "x-rate-limit-remaining": "0" if window == "15min" else "850",
            "x-rate-limit-reset": stamp if window == "15min" else str(now - now % 900 + 900),
        }
        if window != "15min":
            family = "x-user-limit-24hour" if window == "24h-user" else "x-app-limit-24hour"
            headers |= {
                f"{family}-limit": "100",
                f"{family}-remaining": "0",
                f"{family}-reset": stamp,
            }
        self.fail_next(op, 429, headers=headers)

    # --- inspection -------------------------------------------------------------------------

    def calls(self, op: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.op == op]

    @property
    def x_posts(self) -> list[xapi.XPost]:
        return list(self.x.posts)

    @property
    def linkedin_posts(self) -> list[li.LinkedInPost]:
        return list(self.linkedin.posts)

    @property
    def bluesky_posts(self) -> list[bsky.BlueskyPost]:
        return list(self.bluesky.posts)

    # --- serving ----------------------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[str, Handler, tuple[str, ...]] | None:
        for verb, pattern, op, handler in self.routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                return op, handler, match.groups()
        return None

    def _serve(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path, _, raw_query = h.path.partition("?")
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        req = Request(
            h.command, path, raw_query, {k.lower(): v for k, v in h.headers.items()}, body
        )
        route = self._route(h.command, path)
        req.op = route[0] if route else "unknown"
        with self._lock:
            self.requests.append(req)
        if route is None:
            self._send(
                h, Reply(404, {"title": "Not Found", "detail": f"no route {h.command} {path}"})
            )
            return
        op, handler, groups = route
        fault = self.faults.take(op)
        reply: Reply | None = None
        if fault is None or fault.perform:
            with self._lock:
                try:
                    reply = handler(req, *groups)
                except Refuse as refusal:
                    reply = refusal.reply
        if fault is not None:
            if fault.kind == "reset":
                self._reset(h)
                return
            if fault.kind == "accept_then_timeout":
                self._stopping.wait(fault.stall)
            elif fault.kind == "hold":
                fault.arrived.set()
                fault.released.wait(fault.stall)
                if reply is None:  # held before acting: act now
                    with self._lock:
                        try:
                            reply = handler(req, *groups)
                        except Refuse as refusal:
                            reply = refusal.reply
            else:
                reply = Reply(
                    fault.status,
                    fault.body if fault.body is not None else self._fault_body(op, fault.status),
                    dict(fault.headers),
                )
        assert reply is not None
        if op.startswith("x."):
            reply.headers = self.x.rate_headers(op) | reply.headers
        elif op.startswith("bluesky."):
            reply.headers = self.bluesky.rate_headers() | reply.headers
        else:
            reply.headers.setdefault("x-li-uuid", "emulator")
        self._send(h, reply)

    def _fault_body(self, op: str, status: int) -> Any:
        if op.startswith("bluesky."):
            return bsky.default_fault_body(status)
        return (
            xapi.default_fault_body(status)
            if op.startswith("x.")
            else li.default_fault_body(status)
        )

    def _send(self, h: http.server.BaseHTTPRequestHandler, reply: Reply) -> None:
        data, ctype = reply.encoded()
        try:
            h.send_response(reply.status)
            for name, value in reply.headers.items():
                if name.lower() != "content-type":
                    h.send_header(name, value)
            if ctype:
                h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            h.close_connection = True  # the client gave up (timeout): nothing to tell it

    def _reset(self, h: http.server.BaseHTTPRequestHandler) -> None:
        sock = h.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        sock.close()  # with a zero linger time the kernel sends RST, not FIN
