"""Auto-pick: which approved case study a month with nothing queued showcases. Pure.

Fairness rules: the approved, never-showcased case study with the oldest approval, skipping
organisations showcased in the previous `avoid_months` months. Ties break on the oldest
import, then the ref, so the same data always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from vignettes.slots import Month
from vignettes.store import Candidate


@dataclass(frozen=True)
class PickResult:
    candidate: Candidate | None
    reason: str = ""


def recent_organisations(
    month: Month, organisations: Mapping[Month, str], avoid_months: int
) -> set[str]:
    """Organisations showcased in the `avoid_months` months before `month`."""

    def months_before(m: Month) -> int:
        return (month.year - m.year) * 12 + (month.month - m.month)

    return {
        org.casefold() for m, org in organisations.items() if 1 <= months_before(m) <= avoid_months
    }


def auto_pick(
    month: Month,
    candidates: Sequence[Candidate],
    organisations: Mapping[Month, str],
    avoid_months: int,
    exclude: Collection[str] = (),
) -> PickResult:
    pool = [c for c in candidates if c.ref not in exclude]
    if not pool:
        return PickResult(None, "no approved case study is left to showcase")
    recent = recent_organisations(month, organisations, avoid_months)
    eligible = [c for c in pool if c.organisation.casefold() not in recent]
    if not eligible:
        return PickResult(
            None,
            f"all {len(pool)} approved case studies left are from organisations showcased "
            f"in the last {avoid_months} months",
        )
    best = min(eligible, key=lambda c: (c.approved_at, c.created_at, c.ref))
    return PickResult(best)
