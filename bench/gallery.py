"""Gallery and impact dashboard benchmark, in one run.

1. The public gallery served by waitress on a loopback socket over 10,000 accepted case
   studies (120 of them showcased, with posts), while another process commits a change
   every second (as the console and the daemon do): the listing (a page of 20, and a
   filtered page deep in the list), one case study's page, each beside a static file of
   the same size from the same server; and a conditional GET answered 304. Target: p95 ≤
   20 ms for the pages.
2. The dashboard's aggregates (`vignettes.reporting.impact.impact_figures`: one SQL aggregate
   per breakdown) over 1,000, 10,000 and 100,000 case studies: how the time grows.
   Target: ≤ 100 ms at 100,000.

Usage: .venv/bin/python bench/gallery.py [--rows N] [--requests K] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this folder's cards.py must not shadow the `cards` package

from _history import published_months  # noqa: E402
from flask import Blueprint  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402

from scheduler.clock import FakeClock  # noqa: E402
from scheduler.config import parse_config  # noqa: E402
from scheduler.operations.context import Workspace  # noqa: E402
from scheduler.operations.impact.visibility import public_rule, stages  # noqa: E402
from scheduler.web import create_app  # noqa: E402
from scheduler.web.server import ConsoleServer  # noqa: E402
from vignettes.planning.slots import Month  # noqa: E402
from vignettes.reporting.impact import impact_figures  # noqa: E402
from vignettes.reporting.impact_parts import ImpactFilter  # noqa: E402
from vignettes.reporting.visibility import ViewerScope  # noqa: E402
from vignettes.store.models import AuditEvent, CaseStudy, MonthlySlot, Post  # noqa: E402
from vignettes.store.queries import Store  # noqa: E402

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
PAGE_TARGET_MS = 20.0
AGGREGATE_TARGET_MS = 100.0
REGIONS = ["London", "Midlands", "North West", "South West", "East of England", "South East"]
CATEGORIES = ["patient-care", "decision-making", "time-saved", "cost-saving", "research"]
KINDS = ["NHS Foundation Trust", "NHS Trust", "Integrated Care Board", "Hospice"]


def rows(count: int, start: int = 0) -> Iterator[dict[str, Any]]:
    """`count` case studies: five in seven accepted, the rest in review or rejected, spread
    over three years and 200 library services, each in one of six regions and serving two
    organisations (of four kinds), as services and their trusts are."""
    rng = random.Random(start)
    for i in range(start, start + count):
        service = i % 200
        created = NOW - dt.timedelta(days=rng.randrange(3 * 365), minutes=i % 1440)
        status = ("approved",) * 5 + ("submitted", "rejected")
        chosen = status[i % len(status)]
        content_hash = f"sha256:{i:064x}"
        yield {
            "ref": f"BENCH-{i:06d}",
            "title": f"Evidence review number {i} for a clinical team",
            "organisation": f"Benchmark {service:03d}-{i % 2} {KINDS[service % len(KINDS)]}",
            "library_service": f"Benchmark Library Service {service:03d}",
            "region": REGIONS[service % len(REGIONS)],
            "headline": f"Library evidence changed practice on ward {i}",
            "summary": "A rapid evidence summary from the library team informed a change in "
            "practice that saved clinicians time and improved care for patients.",
            "background": "The ward needed current evidence quickly.",
            "library_contribution": "A literature search and an evidence summary.",
            "outcome": "A new protocol, agreed at the next meeting.",
            "impact_categories": CATEGORIES[: 1 + i % 3],
            "time_saved_hours": float(i % 40) if i % 3 else None,
            "cost_saving_gbp": float(100 * (i % 50)) if i % 4 == 0 else None,
            "quote_text": "The summary gave us confidence to change practice." if i % 2 else "",
            "quote_attribution": "Consultant" if i % 2 else "",
            "quote_consent": bool(i % 2),
            "link": f"https://library.bench.nhs.example/impact/{i}",
            "hashtags": ["Evidence"],
            "status": chosen,
            "content_hash": content_hash,
            "approved_hash": content_hash if chosen == "approved" else None,
            "approved_by": "Reviewer" if chosen == "approved" else None,
            "approved_at": created + dt.timedelta(days=7) if chosen == "approved" else None,
            "source": "bench",
            "submitted_at": created,
            "accepted_at": created + dt.timedelta(days=7) if chosen == "approved" else None,
            "created_at": created,
            "updated_at": created,
        }


def seed(store: Store, count: int, schedule: Any = None) -> None:
    with store.write() as session:
        batch: list[dict[str, Any]] = []
        for row in rows(count):
            batch.append(row)
            if len(batch) == 5000:
                session.execute(insert(CaseStudy), batch)
                batch = []
        if batch:
            session.execute(insert(CaseStudy), batch)
        if schedule is not None:
            ids = list(
                session.scalars(
                    select(CaseStudy.id)
                    .where(CaseStudy.status == "approved")
                    .order_by(CaseStudy.id)
                    .limit(120)
                )
            )
            slots, posts = published_months(ids, Month(2016, 12), schedule, ("x", "linkedin"))
            session.execute(insert(MonthlySlot), slots)
            session.execute(insert(Post), posts)


def writer(url: str, stop: Any) -> None:
    """Another process committing a change every second, as the console and the daemon do:
    one case study edited, one line of audit trail."""
    store = Store.open(url)
    n = 0
    while not stop.wait(1.0):
        n += 1
        now = dt.datetime.now(dt.UTC)
        with store.write() as session:
            session.execute(
                update(CaseStudy).where(CaseStudy.id == 1 + n % 1000).values(updated_at=now)
            )
            session.add(AuditEvent(at=now, actor="bench writer", action="updated", detail={}))
    store.close()


def p(samples: list[float], q: int) -> float:
    """The q-th percentile in milliseconds (nearest rank)."""
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class Browser:
    """One keep-alive connection, as an anonymous visitor has."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any, float]:
        start = time.perf_counter()
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        # Header names as lower case: waitress sends `Etag`, not `ETag`.
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, (body, headers), elapsed


@contextmanager
def served(ws: Workspace, static_dir: Path) -> Iterator[int]:
    files = Blueprint("bench", __name__, static_folder=str(static_dir), static_url_path="/bench")
    app = create_app(ws, signing_key=b"a bench signing key of 32 bytes!!", blueprints=[files])
    server = ConsoleServer(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.stop()
        thread.join(timeout=10)


def gallery(root: Path, count: int, requests: int) -> None:
    url = f"sqlite:///{root / 'gallery.db'}"
    config = parse_config(
        {
            "database": {"url": url},
            "daemon": {"var_dir": str(root / "var")},
            "gallery": {"enabled": True},
        },
        root / "config.toml",
    )
    ws = Workspace(config=config, clock=FakeClock(NOW))
    started = time.perf_counter()
    seed(ws.store, count, config.schedule)
    with ws.store.read() as session:
        listed = session.query(CaseStudy).filter(public_rule().condition()).count()
        shown = session.scalar(select(CaseStudy.ref).where(CaseStudy.id == 1))
    print(
        f"gallery over {listed:,} accepted case studies ({count:,} in all, 120 showcased); "
        f"seeded in {time.perf_counter() - started:.1f} s"
    )
    static_dir = root / "static"
    static_dir.mkdir()
    pages = {
        "listing (page 1 of 20)": "/gallery",
        "listing, filtered": "/gallery?region=London&category=patient-care&page=37",
        "one case study": f"/gallery/case-studies/{shown}",
    }
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    process = context.Process(target=writer, args=(url, stop), daemon=True)
    process.start()
    try:
        with served(ws, static_dir) as port:
            visitor, files = Browser(port), Browser(port)
            sizes = {}
            for name, path in pages.items():
                for _ in range(3):  # warm: the showcased page's cards rendered once
                    status, (body, _h), _t = visitor.get(path)
                    assert status == 200, f"{path} answered {status}"
                sizes[name] = len(body)
                (static_dir / f"{len(sizes)}.html").write_bytes(b"x" * len(body))
            timings: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in pages}
            conditional: list[float] = []
            answered_304 = 0
            begun = time.perf_counter()
            for _ in range(requests):
                for i, (name, path) in enumerate(pages.items(), start=1):
                    timings[name][0].append(visitor.get(path)[2])
                    timings[name][1].append(files.get(f"/bench/{i}.html")[2])
                status, (_b, headers), _t = visitor.get("/gallery")
                status, _r, elapsed = visitor.get(
                    "/gallery", {"If-None-Match": headers.get("etag", "")}
                )
                if status == 304:
                    answered_304 += 1
                    conditional.append(elapsed)
            seconds = time.perf_counter() - begun
    finally:
        stop.set()
        process.join(timeout=10)
        ws.close()
    print(
        f"  {requests} requests a page over {seconds:.1f} s, a commit every second in "
        f"another process; milliseconds; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    print(f"  {'':<31}{'page':^16}{'static file':^16}")
    print(f"  {'page':<23}{'bytes':>8}{'p50':>8}{'p95':>8}{'p50':>8}{'p95':>8}   target")
    for name, (page, static) in timings.items():
        p95 = p(page, 95)
        verdict = "ok" if p95 <= PAGE_TARGET_MS else "OVER"
        print(
            f"  {name:<23}{sizes[name]:>8,}{p(page, 50):>8.1f}{p95:>8.1f}"
            f"{p(static, 50):>8.1f}{p(static, 95):>8.1f}   p95 ≤ {PAGE_TARGET_MS:.0f}: {verdict}"
        )
    if conditional:
        print(
            f"  conditional GET (If-None-Match): 304 for {answered_304} of {requests} "
            f"(the rest met a commit in between), p50 {p(conditional, 50):.1f}, "
            f"p95 {p(conditional, 95):.1f}"
        )


def aggregates(root: Path, sizes: list[int], repeats: int = 15) -> None:
    """Time `impact_figures` (every breakdown) at each size: wall-clock p50 and p95, and
    the CPU time this process spent (p50; steadier than wall-clock on a shared machine)."""
    print(
        "dashboard aggregates (every breakdown, SQLite), milliseconds; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"  {'case studies':>12}{'p50':>9}{'p95':>9}{'cpu p50':>9}   target")
    for size in sizes:
        store = Store.open(f"sqlite:///{root / f'impact-{size}.db'}")
        seed(store, size)
        walls, cpus = [], []
        for _ in range(repeats + 2):
            with store.read() as session:
                wall, cpu = time.perf_counter(), time.process_time()
                impact_figures(session, stages(), ViewerScope(), ImpactFilter())
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
        walls, cpus = walls[2:], cpus[2:]  # the first two fill SQLite's page cache
        p95 = p(walls, 95)
        verdict = "ok" if p95 <= AGGREGATE_TARGET_MS else "OVER"
        target = f"p95 ≤ {AGGREGATE_TARGET_MS:.0f}: {verdict}" if size >= 100_000 else ""
        print(
            f"  {size:>12,}{statistics.median(walls) * 1000:>9.1f}{p95:>9.1f}"
            f"{statistics.median(cpus) * 1000:>9.1f}   {target}"
        )
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=14_000, help="case studies (5 in 7 accepted)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vignettes-bench-gallery-") as tmp:
        gallery(Path(tmp), args.rows, args.requests)
        aggregates(Path(tmp), [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
