"""Issue 10: vignette readiness (a named quote with consent, a quantified impact) comes
first in auto-pick, then today's fairness rules and tie-breaks, in SQL and Python alike."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

from tests.conftest import NOW, case_study_row, schedule_rule, selection_rule, write_import
from tests.store.helpers import run_import
from vignettes.planning.plan import build_plan
from vignettes.planning.selection import auto_pick, preference
from vignettes.planning.slots import Month
from vignettes.readiness import Readiness
from vignettes.store.candidates import Candidate, CandidatePool
from vignettes.store.queries import Store

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
READY, QUOTE_ONLY, NONE = Readiness(True, True), Readiness(True, False), Readiness(False, False)


def candidate(ref: str, org: str, day: int, ready: Readiness) -> Candidate:
    when = T0 + dt.timedelta(days=day)
    return Candidate(ref, f"Title {ref}", org, when, when, ready)


def test_a_readier_case_study_is_picked_before_an_older_approval() -> None:
    pool = [candidate("OLD", "Org A", 1, NONE), candidate("NEW", "Org B", 9, READY)]
    assert auto_pick(Month(2027, 1), pool, {}, 6).candidate == pool[1]


def test_among_equally_ready_the_oldest_approval_still_wins() -> None:
    pool = [candidate("B", "Org B", 5, QUOTE_ONLY), candidate("A", "Org A", 2, QUOTE_ONLY)]
    assert auto_pick(Month(2027, 1), pool, {}, 6).candidate == pool[1]


def test_fairness_still_skips_a_ready_case_study_from_a_recent_organisation() -> None:
    pool = [candidate("R", "Org A", 1, READY), candidate("N", "Org B", 2, NONE)]
    assert auto_pick(Month(2027, 1), pool, {Month(2026, 12): "Org A"}, 6).candidate == pool[1]


def test_with_prefer_ready_off_readiness_is_ignored() -> None:
    pool = [candidate("OLD", "Org A", 1, NONE), candidate("NEW", "Org B", 9, READY)]
    result = auto_pick(Month(2027, 1), pool, {}, 6, prefer_ready=False)
    assert result.candidate == pool[0]


def _varied_rows(count: int) -> list[dict[str, object]]:
    rng = random.Random(10)
    rows = []
    for i in range(count):
        quote = rng.random() < 0.5
        rows.append(
            case_study_row(
                f"R-{i:02d}",
                organisation=f"Org {i}",
                approved_on=f"2026-0{rng.randint(1, 3)}-0{rng.randint(1, 2)}",
                quote_consent=quote if rng.random() < 0.8 else None,
                time_saved_hours=rng.choice([None, 0.04, 0.05, 12]),
                cost_saving_gbp=rng.choice([None, 0.49, 0.5, 900]),
            )
        )
    return rows


def test_the_database_order_is_the_preference_order(store: Store, tmp_path: Path) -> None:
    run_import(store, write_import(tmp_path / "in.json", _varied_rows(40)))
    for prefer in (True, False):
        with store.read() as session:
            from_db = list(CandidatePool(session, prefer))
        assert from_db == sorted(from_db, key=lambda c, p=prefer: preference(c, p))
        assert len({c.readiness for c in from_db}) > 2


def test_the_plan_shows_each_months_readiness(store: Store, tmp_path: Path) -> None:
    plain = case_study_row("P-1", quote_consent=False, approved_on="2026-01-01")
    ready = case_study_row("P-2", organisation="Other Trust", cost_saving_gbp=12400)
    run_import(store, write_import(tmp_path / "in.json", [plain, ready]))
    with store.read() as session:
        plan = build_plan(session, now=NOW, schedule=schedule_rule(),
                          selection=selection_rule(), months=3)  # fmt: skip
    picks = [(e.ref, e.readiness) for e in plan if e.ref]
    assert picks == [("P-2", READY), ("P-1", NONE)]
    assert plan[1].to_json()["readiness"] == {"quote": True, "quantified": True, "score": 2}
    off = dataclasses.replace(selection_rule(), prefer_ready=False)
    with store.read() as session:
        first = next(e for e in build_plan(session, now=NOW, schedule=schedule_rule(),
                                           selection=off, months=3) if e.ref)  # fmt: skip
    assert first.ref == "P-1"
