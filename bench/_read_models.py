"""Read models a web page shows, in-process: the 12-month plan and `status`, over a big
database (10,000 case studies, ten years of published slots with their posts).

`before` runs the algorithms these replaced, side by side in the same process on the same
data: every auto-pick candidate loaded and scanned for every month, and every planned case
study rendered afresh for the could-it-be-posted check. `after` is the code as it is:
candidates read in preference order until one fits, postability answers remembered
(`cold`: nothing remembered yet; `warm`: the usual case, a commit since the last read so
the plan is read again; `unchanged`: no commit since, the remembered read model).

Usage: .venv/bin/python bench/_read_models.py DB_URL [--repeat K]   (used by bench/store.py)
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from _history import published_months  # noqa: E402
from sqlalchemy import delete, func, insert, select, update  # noqa: E402

from scheduler.config import parse_config  # noqa: E402
from scheduler.operations.context import Workspace  # noqa: E402
from scheduler.operations.showcase.planning import plan  # noqa: E402
from scheduler.operations.showcase.status import build_status  # noqa: E402
from scheduler.publishing.postability import why_not_postable  # noqa: E402
from vignettes.planning.plan import build_plan  # noqa: E402
from vignettes.planning.selection import auto_pick  # noqa: E402
from vignettes.planning.slots import Month  # noqa: E402
from vignettes.store.candidates import auto_pick_candidates  # noqa: E402
from vignettes.store.models import CaseStudy, MonthlySlot, Post, RenderCheck  # noqa: E402
from vignettes.store.queries import (  # noqa: E402
    Store,
    case_studies_by_ref,
    organisations_by_month,
    slots_by_month,
)

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
YEARS = 10


def seed_history(store: Store, schedule: Any) -> int:
    """Ten years of published months before NOW, each with an X and a LinkedIn post, on the
    oldest imported case studies. Returns the number of slots."""
    first = Month.of(NOW.date()).shift(-12 * YEARS)
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(MonthlySlot)):
            return int(session.scalar(select(func.count()).select_from(MonthlySlot)) or 0)
        ids = list(session.scalars(select(CaseStudy.id).order_by(CaseStudy.id).limit(12 * YEARS)))
        slots, posts = published_months(ids, first, schedule, ("x", "linkedin"))
        session.execute(insert(MonthlySlot), slots)
        session.execute(insert(Post), posts)
    return len(slots)


def plan_before(ws: Workspace) -> list[Any]:
    """The plan as it was computed before: all candidates, `min` per month, render per month."""
    config = ws.config
    with ws.store.read() as session:
        start = Month.of(NOW.date())
        wanted = [start.shift(i) for i in range(12)]
        slots_by_month(session, wanted)
        organisations = organisations_by_month(session)
        candidates = auto_pick_candidates(session)
        picked: set[str] = set()
        refs = []
        for month in wanted:
            result = auto_pick(
                month,
                candidates,
                organisations,
                config.selection.avoid_same_organisation_months,
                picked,
            )
            if result.candidate is not None:
                picked.add(result.candidate.ref)
                organisations[month] = result.candidate.organisation
                refs.append((month, result.candidate.ref))
        found = case_studies_by_ref(session, [r for _m, r in refs])
        contents = {ref: cs.content() for ref, cs in found.items()}
    return [why_not_postable(contents[ref], config, month.first_day) for month, ref in refs]


def status_before(ws: Workspace) -> Any:
    """`status` over the old plan: every candidate loaded for its three months."""
    config = ws.config
    with ws.store.read() as session:
        organisations = organisations_by_month(session)
        candidates = auto_pick_candidates(session)
        start = Month.of(NOW.date())
        for i in range(3):
            auto_pick(start.shift(i), candidates, organisations, 6)
    return dataclasses.replace(build_status(config, ws.store, NOW))


def timed(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] = lambda: None) -> float:
    """The median of `repeat` runs of `fn`, each after an untimed `before()`."""
    samples = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def commit_a_change(store: Store) -> None:
    """A commit that changes nothing a read model shows, so nothing remembered is used."""
    with store.write() as session:
        session.execute(update(CaseStudy).where(CaseStudy.id == 1).values(ref=CaseStudy.ref))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db_url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = parse_config({"database": {"url": args.db_url}}, REPO / "config.toml")

    class Clock:
        def now(self) -> dt.datetime:
            return NOW

        def sleep(self, seconds: float) -> None:
            pass

    ws = Workspace(config=config, clock=Clock())  # type: ignore[arg-type]
    slots = seed_history(ws.store, config.schedule)
    with ws.store.read() as session:
        studies = session.scalar(select(func.count()).select_from(CaseStudy))
    with ws.store.write() as session:
        session.execute(delete(RenderCheck))
    # Warm the engine and SQLAlchemy's statement cache, as a long-running console is.
    with ws.store.read() as session:
        build_plan(session, now=NOW, schedule=config.schedule, selection=config.selection)
    changed = lambda: commit_a_change(ws.store)  # noqa: E731
    cold = timed(lambda: plan(ws, 12), 1)
    warm = timed(lambda: plan(ws, 12), args.repeat, changed)
    kept = timed(lambda: plan(ws, 12), args.repeat)
    before = timed(lambda: plan_before(ws), max(1, args.repeat // 2))
    status_now = timed(lambda: build_status(config, ws.store, NOW), args.repeat, changed)
    status_kept = timed(lambda: build_status(config, ws.store, NOW), args.repeat)
    status_old = timed(lambda: status_before(ws), args.repeat)
    print(f"read models over {studies} case studies, {slots} slots of history (in-process)")
    print(f"  plan (12 months), before          : {before:7.3f} s")
    print(f"  plan (12 months), after, cold     : {cold:7.3f} s   (renders each month once)")
    print(
        f"  plan (12 months), after, warm     : {warm:7.3f} s   target ≤ 0.1 s   "
        f"({before / warm:,.0f}× faster; the database changed since the last read)"
    )
    print(f"  plan (12 months), unchanged       : {kept:7.3f} s   (remembered)")
    print(f"  status, before                    : {status_old:7.3f} s")
    print(
        f"  status, after                     : {status_now:7.3f} s   target ≤ 0.1 s   "
        f"({status_old / status_now:,.1f}× faster; the database changed since)"
    )
    print(f"  status, unchanged                 : {status_kept:7.3f} s   (remembered)")
    ws.close()


if __name__ == "__main__":
    main()
