"""Web console benchmark: the console served in this process by waitress on a real loopback
socket, over a big database, timed as signed-in browsers see it while the daemon runs.

Data: 10,000 case studies (imported as `vignettes import` does, two in three approved),
120 slots (ten years of published months before now, each posted to X, LinkedIn and
Bluesky: 360 posts, the most 120 slots can hold, since a slot has one post per platform)
and 1,080 engagement snapshots (three per post).

Pages: home, plan, the plan's calendar (its card thumbnails are separate requests), the
case-study list (a page of 50) and one case study (its cards
already rendered and cached), each requested with the session cookie over a keep-alive
connection, each followed by a static file of that page's size from the same server (no
session, as a browser fetches one).

Two runs, each printing every page's p50 and p95 beside its static file's:

- **under load**, as the console really runs: another process commits every second (the
  daemon's heartbeat does, every tick, so the cached read models are read again after
  each), and 5 signed-in sessions request the pages at once. Target: p95 ≤ 50 ms for every
  page, the static file's p95 printed beside it.
- **quiet**, the earlier measure: one session and no writer. Its "page / static" ratio is
  printed as before (once held to ≤ 3×); it is not a target: no correctness risk (a cache
  whose key is not honest) is worth it.

Two floors are shown beside the pages, not held to the target, to say where a page's time
goes: the sign-in page (the design system's page template and a form, no data) and a bare
signed-in view returning the home page's bytes (the session, the account and the security
headers; no template, no data).

Usage: .venv/bin/python bench/web.py [--rows N] [--requests K] [--db URL]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import http.client
import logging
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this folder's cards.py must not shadow the `cards` package

from _history import published_months  # noqa: E402
from flask import Blueprint  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from scheduler.clock import FakeClock  # noqa: E402
from scheduler.config import parse_config  # noqa: E402
from scheduler.operations.accounts.permissions import Permission  # noqa: E402
from scheduler.operations.accounts.users import add_user  # noqa: E402
from scheduler.operations.actor import Actor  # noqa: E402
from scheduler.operations.content.importing import import_case_studies  # noqa: E402
from scheduler.operations.context import Workspace  # noqa: E402
from scheduler.web import create_app  # noqa: E402
from scheduler.web.guards import requires  # noqa: E402
from scheduler.web.server import ConsoleServer  # noqa: E402
from vignettes.planning.slots import Month  # noqa: E402
from vignettes.store.models import CaseStudy, EngagementSnapshot, MonthlySlot, Post  # noqa: E402

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # December's slot (10:00) still ahead
SLOTS = 120
PLATFORMS = ("x", "linkedin", "bluesky")
OFFSETS = (("1d", 86_400), ("7d", 604_800), ("28d", 2_419_200))
PASSWORD = "a benchmark password, long enough"
TARGET_MS = 50.0  # p95 per page, under load
OLD_RATIO = 3.0  # what the quiet run was once held to: printed, not a target
SESSIONS = 5
COMMIT_EVERY = 1.0  # seconds, as the daemon's heartbeat
WRITER_LIFETIME = 900  # seconds at most: the writer stops by itself
ORGS = [f"Benchmark Hospitals NHS Trust {i:03d}" for i in range(150)]
CATEGORIES = ["patient-care", "decision-making", "time-saved", "cost-saving", "research"]


def write_rows(path: Path, rows: int) -> None:
    """`rows` case studies as an import CSV (bench/store.py's shape)."""
    header = ["ref", "title", "organisation", "region", "headline", "summary"]
    header += ["impact_categories", "quote_text", "quote_attribution", "quote_consent", "link"]
    header += ["hashtags", "status", "approved_by", "approved_on"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(rows):
            approved = i % 3 != 0
            quote = i % 2 == 1
            writer.writerow(
                [
                    f"BENCH-{i:05d}",
                    f"Evidence review number {i} for a clinical team",
                    ORGS[i % len(ORGS)],
                    "Midlands",
                    f"Library evidence changed practice on ward {i}",
                    "A rapid evidence summary from the library team informed a change in "
                    "practice that saved clinicians time and improved care for patients.",
                    ";".join(CATEGORIES[: 1 + i % 3]),
                    "The summary gave us confidence to change practice." if quote else "",
                    "Consultant" if quote else "",
                    "true" if quote else "",
                    f"https://library.bench.nhs.example/impact/{i}",
                    "Evidence",
                    "approved" if approved else "submitted",
                    "Reviewer" if approved else "",
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" if approved else "",
                ]
            )


def seed_history(ws: Workspace) -> tuple[int, int, int]:
    """Ten years of published months before now on the oldest case studies, each with a
    post per platform and three engagement snapshots a post."""
    schedule = ws.config.schedule
    first = Month.of(NOW.date()).shift(-SLOTS)
    with ws.store.write() as session:
        ids = list(session.scalars(select(CaseStudy.id).order_by(CaseStudy.id).limit(SLOTS)))
        slots, posts = published_months(ids, first, schedule, PLATFORMS)
        snapshots = []
        for post in posts:
            i = post["slot_id"] - 1
            for n, (label, seconds) in enumerate(OFFSETS, start=1):
                at = post["posted_at"] + dt.timedelta(seconds=seconds)
                snapshots.append(
                    {
                        "post_id": post["id"],
                        "platform": post["platform"],
                        "offset_label": label,
                        "offset_seconds": seconds,
                        "due_at": at,
                        "taken_at": at,
                        "state": "taken",
                        "impressions": None if post["platform"] == "bluesky" else 400 * n + i,
                        "likes": 5 * n,
                        "reposts": n,
                        "replies": n // 2,
                        "unavailable": [],
                        "raw": {},
                        "updated_at": at,
                    }
                )
        session.execute(insert(MonthlySlot), slots)
        session.execute(insert(Post), posts)
        session.execute(insert(EngagementSnapshot), snapshots)
    return len(slots), len(posts), len(snapshots)


class Browser:
    """One keep-alive connection with a session cookie, as a signed-in browser has."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, *, cookie: bool = True
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds from sending the request to the last byte)."""
        headers = {"Cookie": self.cookie} if cookie and self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - start
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and cookie:
                self.cookie = value.split(";", 1)[0]
        return response.status, payload, elapsed

    def close(self) -> None:
        self.connection.close()

    def sign_in(self, name: str) -> None:
        _status, page, _t = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        form = {"csrf_token": token.group(1).decode(), "username": name, "password": PASSWORD}
        status, _page, _t = self.request("POST", "/login", form)
        assert status == 302, f"sign-in answered {status}"


@dataclass
class Timing:
    """One page's samples, and its static file's. `signed_in`: requested with the session;
    `target`: held to the targets (the sign-in page is shown as the floor: the layout and
    a form, no data)."""

    name: str
    path: str
    signed_in: bool = True
    target: bool = True
    size: int = 0
    page: list[float] = field(default_factory=list)
    static: list[float] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.name.split()[0]}.html"


def p(samples: list[float], q: int) -> float:
    """The q-th percentile in milliseconds (nearest rank)."""
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


@contextmanager
def console(ws: Workspace, static_dir: Path) -> Iterator[tuple[Any, int]]:
    """The console with a bench-only static folder, served on 127.0.0.1:<free port>."""
    files = Blueprint("bench", __name__, static_folder=str(static_dir), static_url_path="/bench")

    @files.get("/bench-view/<name>")
    @requires(Permission.READ)
    def bare_view(name: str) -> bytes:
        """The floor under every page: the session, the account and the security headers,
        with bytes instead of a template and no data."""
        return (static_dir / name).read_bytes()

    app = create_app(ws, signing_key=b"a bench signing key of 32 bytes!!", blueprints=[files])
    server = ConsoleServer(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield app, server.port
    finally:
        server.stop()
        thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--db", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--commit-every-second", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Five sessions at once on four threads queue by design: not worth a line each time.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.commit_every_second:
        commit_every_second(args.commit_every_second)
        return
    with tempfile.TemporaryDirectory(prefix="vignettes-bench-web-") as tmp:
        root = Path(tmp)
        url = args.db or f"sqlite:///{root / 'bench.db'}"
        config = parse_config(
            {
                "database": {"url": url},
                "daemon": {"var_dir": str(root / "var")},
                "platforms": {"bluesky": {"enabled": True}},
            },
            root / "config.toml",
        )
        ws = Workspace(config=config, clock=FakeClock(NOW))
        operator = Actor("bench", "cli")
        write_rows(root / "rows.csv", args.rows)
        started = time.perf_counter()
        import_case_studies(ws, operator, root / "rows.csv")
        slots, posts, snapshots = seed_history(ws)
        for n in range(SESSIONS):
            add_user(ws, operator, f"ada{n}", "admin", PASSWORD, email=f"ada{n}@bench.nhs.example")
        with ws.store.read() as session:
            studies = session.scalar(select(func.count()).select_from(CaseStudy))
        print(
            f"console over {studies:,} case studies, {slots} slots, {posts} posts, "
            f"{snapshots:,} engagement snapshots (seeded in {time.perf_counter() - started:.1f} s)"
        )
        static_dir = root / "static"
        static_dir.mkdir()
        with console(ws, static_dir) as (app, port):
            pages = prepare(app, port, static_dir)
            with writer(url):
                loaded = timed(port, pages, SESSIONS, args.requests)
            quiet = timed(port, pages, 1, args.requests)
        report(
            f"under load: {SESSIONS} sessions at once, another process committing every "
            f"{COMMIT_EVERY:.0f} s",
            loaded,
            target=True,
        )
        report("quiet: one session, no writer (the earlier measure)", quiet, target=False)
        ws.close()


def commit_every_second(url: str) -> None:
    """The writer: commit a heartbeat every second, as the daemon's tick does, until the
    benchmark closes our stdin (or WRITER_LIFETIME passes)."""
    from vignettes.store.models import Heartbeat
    from vignettes.store.queries import Store

    store = Store.open(url)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    started = dt.datetime.now(dt.UTC)
    deadline = time.monotonic() + WRITER_LIFETIME
    while not done.is_set() and time.monotonic() < deadline:
        now = dt.datetime.now(dt.UTC)
        with store.write() as session:
            beat = session.scalar(select(Heartbeat).where(Heartbeat.instance == "bench"))
            if beat is None:
                session.add(Heartbeat(instance="bench", role="active", at=now,
                                      started_at=started, detail={}))  # fmt: skip
            else:
                beat.at = now
        done.wait(COMMIT_EVERY)
    store.close()


@contextmanager
def writer(url: str) -> Iterator[None]:
    """Another process committing every second for the block's length."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--commit-every-second", url], stdin=subprocess.PIPE
    )
    try:
        time.sleep(2 * COMMIT_EVERY)  # it has committed before the first timed request
        yield
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def prepare(app: Any, port: int, static_dir: Path) -> list[Timing]:
    """The pages to time, warmed (cards rendered and cached, statement caches filled), with
    a static file of each one's size beside it."""
    browser = Browser(port)
    browser.sign_in("ada0")
    pages = [Timing("home", "/"), Timing("plan", "/plan"), Timing("calendar", "/plan/year")]
    _s, home, _t = browser.request("GET", "/")
    ref = re.search(rb"BENCH-\d{5}", home)
    assert ref, "no case study on the home page"
    pages.append(Timing("case studies (50)", "/case-studies"))
    pages.append(Timing("one case study", f"/case-studies/{ref.group(0).decode()}"))
    pages.append(Timing("sign-in (no data)", "/login", signed_in=False, target=False))
    for timing in pages:
        for _ in range(3):
            status, body, _t = browser.request("GET", timing.path, cookie=timing.signed_in)
            assert status == 200, f"{timing.path} answered {status}"
        timing.size = len(body)
        (static_dir / timing.file).write_bytes(b"x" * timing.size)
    floor = Timing("bare signed-in view", f"/bench-view/{pages[0].file}", target=False)
    floor.size = pages[0].size
    browser.close()
    return [*pages, floor]


def timed(port: int, pages: list[Timing], sessions: int, requests: int) -> list[Timing]:
    """Each of `sessions` browsers (signed in as its own account) requests every page
    `requests` times, each followed by its static file, all at once."""
    results = [dataclasses.replace(t, page=[], static=[]) for t in pages]

    def one_session(n: int) -> None:
        browser, static = Browser(port), Browser(port)
        browser.sign_in(f"ada{n}")
        for _ in range(requests):
            for timing in results:
                client = browser if timing.signed_in else static
                timing.page.append(client.request("GET", timing.path, cookie=timing.signed_in)[2])
                timing.static.append(
                    static.request("GET", f"/bench/{timing.file}", cookie=False)[2]
                )
        browser.close()
        static.close()

    threads = [threading.Thread(target=one_session, args=(n,)) for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(title: str, pages: list[Timing], *, target: bool) -> None:
    requests = len(pages[0].page)
    print(f"{title}: {requests} requests a page, each beside its static file; milliseconds")
    print(f"  {'':<27}{'page':^16}{'static file':^16}{'page / static':^16}")
    print(f"  {'page':<19}{'bytes':>8}{'p50':>8}{'p95':>8}{'p50':>8}{'p95':>8}{'p50':>8}{'p95':>8}")
    verdicts = []
    for timing in pages:
        page50, page95 = p(timing.page, 50), p(timing.page, 95)
        static50, static95 = p(timing.static, 50), p(timing.static, 95)
        ratio = page95 / static95
        print(
            f"  {timing.name:<19}{timing.size:>8,}{page50:>8.1f}{page95:>8.1f}"
            f"{static50:>8.1f}{static95:>8.1f}{page50 / static50:>7.1f}×{ratio:>7.1f}×"
        )
        if timing.target and target:
            verdicts.append(
                f"  {timing.name:<19}p95 {page95:5.1f} ms, target ≤ {TARGET_MS:.0f} ms: "
                f"{'ok' if page95 <= TARGET_MS else 'OVER'} (static file p95 {static95:.1f} ms)"
            )
        elif timing.target:
            verdicts.append(
                f"  {timing.name:<19}{ratio:4.1f}× the static file's p95 (once held to "
                f"≤ {OLD_RATIO:.0f}×; not a target)"
            )
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
