"""Auto-pick fairness: oldest approval first, no organisation twice within the window."""

from __future__ import annotations

import datetime as dt

from vignettes.planning.selection import auto_pick
from vignettes.planning.slots import Month
from vignettes.store.candidates import Candidate

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def candidate(ref: str, org: str, approved_days: int, created_days: int = 0) -> Candidate:
    return Candidate(
        ref,
        f"Title {ref}",
        org,
        T0 + dt.timedelta(days=approved_days),
        T0 + dt.timedelta(days=created_days),
    )


def test_the_oldest_approval_is_picked_first() -> None:
    pool = [candidate("B", "Org B", 5), candidate("A", "Org A", 1), candidate("C", "Org C", 9)]
    assert auto_pick(Month(2027, 1), pool, {}, 6).candidate == pool[1]


def test_an_organisation_showcased_recently_is_skipped() -> None:
    pool = [candidate("A", "Org A", 1), candidate("B", "Org B", 2)]
    history = {Month(2026, 8): "Org A"}
    assert auto_pick(Month(2027, 1), pool, history, 6).candidate == pool[1]


def test_an_organisation_showcased_outside_the_window_is_eligible_again() -> None:
    pool = [candidate("A", "Org A", 1), candidate("B", "Org B", 2)]
    history = {Month(2026, 6): "org a"}  # seven months before, compared case-insensitively
    assert auto_pick(Month(2027, 1), pool, history, 6).candidate == pool[0]


def test_ties_break_on_import_time_then_ref() -> None:
    pool = [
        candidate("Z", "Org Z", 1, created_days=2),
        candidate("Y", "Org Y", 1, created_days=1),
        candidate("X", "Org X", 1, created_days=1),
    ]
    assert auto_pick(Month(2027, 1), pool, {}, 6).candidate == pool[2]


def test_when_every_candidate_is_too_recent_the_reason_says_so() -> None:
    result = auto_pick(Month(2027, 1), [candidate("A", "Org A", 1)], {Month(2026, 12): "Org A"}, 6)
    assert result.candidate is None
    assert "showcased in the last 6 months" in result.reason


def test_an_empty_pool_says_nothing_is_left() -> None:
    assert (
        auto_pick(Month(2027, 1), [], {}, 6).reason == "no approved case study is left to showcase"
    )
