"""Auto-pick: which approved case study a month with nothing queued showcases. Pure.

Among the approved, never-showcased case studies, those that meet more of the vignette
readiness criteria come first (`prefer_ready`: a named quote with consent, a quantified
impact); then the fairness rules: the oldest approval, skipping organisations showcased in
the previous `avoid_months` months. Ties break on the oldest import, then the ref, so the
same data always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from vignettes.planning.slots import Month
from vignettes.store.candidates import Candidate


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
    prefer_ready: bool = True,
) -> PickResult:
    ordered = sorted(candidates, key=lambda c: preference(c, prefer_ready))
    return pick_first(month, ordered, organisations, avoid_months, exclude)


def preference(candidate: Candidate, prefer_ready: bool = True) -> tuple[object, ...]:
    """Auto-pick's order: with `prefer_ready`, the most ready first; then the oldest
    approval, the oldest import, the ref. `vignettes.store.candidates.CandidatePool` reads
    candidates from the database in this order (its SQL ORDER BY says the same; tests keep
    them equal)."""
    ready = -candidate.readiness.score if prefer_ready else 0
    return (ready, candidate.approved_at, candidate.created_at, candidate.ref)


def pick_first(
    month: Month,
    ordered: Iterable[Candidate],
    organisations: Mapping[Month, str],
    avoid_months: int,
    exclude: Collection[str] = (),
) -> PickResult:
    """The first of `ordered` (already in preference order) that is not excluded and whose
    organisation was not showcased in the previous `avoid_months` months. Stops at the
    first fit, so a plan need not read every candidate for every month."""
    recent = recent_organisations(month, organisations, avoid_months)
    left = 0
    for candidate in ordered:
        if candidate.ref in exclude:
            continue
        left += 1
        if candidate.organisation.casefold() not in recent:
            return PickResult(candidate)
    if not left:
        return PickResult(None, "no approved case study is left to showcase")
    return PickResult(
        None,
        f"all {left} approved case studies left are from organisations showcased "
        f"in the last {avoid_months} months",
    )
