"""Engagement benchmark: N published X posts (default 10,000) in a fresh SQLite database
and in the in-process API emulator; one polling round, an idle round, then the report.

Prints figures, asserts nothing. Targets: X calls = ceil(N/100) for the round, report
(query + table + JSON) ≤ 1 s. With --linkedin the same vignettes are also on LinkedIn
(organisation posts: 20 URNs a share-statistics call).
Usage: .venv/bin/python bench/engagement.py [--posts N] [--linkedin] [--db URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the emulator lives under tests/

from sqlalchemy import insert  # noqa: E402

from scheduler.alerts import Alerter  # noqa: E402
from scheduler.cli.engagement_text import format_report  # noqa: E402
from scheduler.clock import FakeClock  # noqa: E402
from scheduler.config import parse_config  # noqa: E402
from scheduler.daemon.runtime import build_platforms  # noqa: E402
from scheduler.engagement.polling import EngagementPoller  # noqa: E402
from scheduler.engagement.report import load, report_json  # noqa: E402
from scheduler.engagement.report_files import write_csv  # noqa: E402
from tests.conftest import SECRET_VALUES, START  # noqa: E402
from tests.emulator import Emulator  # noqa: E402
from tests.emulator.linkedin import ORGANIZATION  # noqa: E402
from vignettes.store.models import CaseStudy, MonthlySlot, Post  # noqa: E402
from vignettes.store.queries import Store  # noqa: E402


def seed(store: Store, emulator: Emulator, posts: int, platforms: list[str]) -> None:
    """`posts` vignettes, one a month, posted over the last 100 days (so most have several
    offsets due at once, as after downtime), in the database and the emulator."""
    now = emulator.clock.now()
    studies, slots, rows = [], [], []
    for i in range(posts):
        age = dt.timedelta(days=i % 100, hours=2, minutes=i % 60)
        month = f"{1200 + i // 12:04d}-{i % 12 + 1:02d}"
        studies.append(
            {
                "id": i + 1,
                "ref": f"BENCH-{i:05d}",
                "title": f"Evidence review {i} — Llyfrgell Gŵyr",
                "organisation": "Benchmark Hospitals NHS Trust",
                "library_service": "",
                "region": "",
                "headline": f"Library evidence changed practice on ward {i}",
                "summary": "A rapid evidence summary informed a change in practice.",
                "background": "",
                "library_contribution": "",
                "outcome": "",
                "impact_categories": [],
                "quote_text": "",
                "quote_attribution": "",
                "quote_consent": False,
                "link": "",
                "hashtags": [],
                "status": "approved",
                "content_hash": "h" * 64,
                "source": "bench",
                "created_at": now,
                "updated_at": now,
            }
        )
        slots.append({"id": i + 1, "month": month, "case_study_id": i + 1, "state": "published"})
        for name in platforms:
            remote = (
                emulator.x.seed_post(f"bench {i}", age=age).id
                if name == "x"
                else emulator.linkedin.seed_post(f"bench {i}", age=age).urn
            )
            rows.append(
                {
                    "slot_id": i + 1,
                    "case_study_id": i + 1,
                    "platform": name,
                    "state": "posted",
                    "content_hash": "h" * 64,
                    "text": f"bench {i}",
                    "remote_id": remote,
                    "url": f"https://example.invalid/{remote}",
                    "attempts": 1,
                    "reason": "",
                    "sending_by": "",
                    "posted_at": now - age,
                    "updated_at": now,
                }
            )
    with store.write() as session:
        session.execute(insert(CaseStudy), studies)
        session.execute(insert(MonthlySlot), slots)
        session.execute(insert(Post), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--linkedin", action="store_true", help="also post each on LinkedIn")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    platforms = ["x", "linkedin"] if args.linkedin else ["x"]

    tmp = Path(tempfile.mkdtemp(prefix="bench-engagement-"))
    clock = FakeClock(START)
    with Emulator(clock) as emulator:
        live = {"mode": "live", "api_base": emulator.base_url, "timeout": "30s"}
        config = parse_config(
            {
                "platforms": {
                    "x": {**live, "username": "nhslibraries"},
                    "linkedin": {**live, "oauth_base": emulator.base_url, "author": ORGANIZATION}
                    | ({} if args.linkedin else {"enabled": False}),
                },
                "daemon": {"var_dir": str(tmp / "var")},
            },
            tmp / "config.toml",
        )
        store = Store.open(args.db or f"sqlite:///{tmp / 'bench.db'}")
        started = time.perf_counter()
        seed(store, emulator, args.posts, platforms)
        print(
            f"seeded {args.posts:,} vignettes on {', '.join(platforms)} "
            f"({store.dialect}) in {time.perf_counter() - started:.2f} s"
        )

        adapters = build_platforms(config, clock, environ=SECRET_VALUES)
        poller = EngagementPoller(store, config, adapters, Alerter(store, []))
        now = clock.now()
        # One round, as `EngagementPoller.poll` runs it, timed step by step.
        started = time.perf_counter()
        scheduled = poller.schedule_new_posts(now)
        schedule_s = time.perf_counter() - started
        lines, platform_s = [], {}
        for name, adapter in adapters.items():
            started = time.perf_counter()
            lines += poller.poll_platform(name, adapter, now)
            platform_s[name] = time.perf_counter() - started
        started = time.perf_counter()
        lines += poller.send_summaries(now)
        summary_s = time.perf_counter() - started
        total = schedule_s + sum(platform_s.values()) + summary_s
        x_calls = len(emulator.calls("x.get_tweets"))
        print(f"polling round: {total:.2f} s wall")
        print(
            f"  schedule {scheduled:,} posts x {len(config.engagement.poll_after)} offsets: "
            f"{schedule_s:.2f} s"
        )
        for name, seconds in platform_s.items():
            print(f"  {name}: metrics + store: {seconds:.2f} s")
        print(f"  monthly summaries: {summary_s:.2f} s")
        print(f"X calls {x_calls} (target ceil(N/100) = {math.ceil(args.posts / 100)})")
        if args.linkedin:
            li_calls = len(emulator.calls("linkedin.share_statistics"))
            print(
                f"LinkedIn share-statistics calls {li_calls} "
                f"(20 URNs a call: {math.ceil(args.posts / 20)})"
            )
        for line in lines:
            print(f"  {line}")
        started = time.perf_counter()
        poller.poll(clock.now())
        print(f"idle round (nothing due): {time.perf_counter() - started:.3f} s")

        started = time.perf_counter()
        entries = load(store)
        text = format_report(entries, {})
        payload = json.dumps(report_json(entries, {}), ensure_ascii=False, default=str)
        report_s = time.perf_counter() - started
        print(
            f"report of {len(entries):,} vignette-platforms (table {len(text):,} chars, "
            f"JSON {len(payload):,} bytes): {report_s:.2f} s (target <= 1 s)"
        )
        started = time.perf_counter()
        rows = write_csv(entries, tmp / "engagement.csv")
        print(f"CSV of {rows:,} snapshot rows: {time.perf_counter() - started:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
