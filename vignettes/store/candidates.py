"""What auto-pick may choose from: approved, unedited case studies in no month, in the
order `vignettes.planning.selection.preference` prefers them, read only as far as a plan
needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignettes.readiness import NOT_READY, Readiness, quantified_sql, quote_sql, score_sql
from vignettes.store.models import CaseStudy, MonthlySlot


@dataclass(frozen=True)
class Candidate:
    """An approved case study not yet in any slot: what auto-pick may choose from.
    `readiness` is its vignette readiness (`vignettes.readiness`)."""

    ref: str
    title: str
    organisation: str
    approved_at: dt.datetime
    created_at: dt.datetime
    readiness: Readiness = NOT_READY


def _candidates_in_order(session: Session, prefer_ready: bool) -> Any:
    """Approved, unedited case studies in no slot, in auto-pick order (the order of
    `vignettes.planning.selection.preference`, which tests keep equal): with `prefer_ready`, the
    most ready first; then oldest approval, oldest import, and ref by code point (as
    Python compares strings; PostgreSQL's locale collation would not)."""
    in_a_slot = select(MonthlySlot.case_study_id).where(MonthlySlot.case_study_id.is_not(None))
    ref_order = (
        CaseStudy.ref.collate("C")
        if session.get_bind().dialect.name == "postgresql"
        else CaseStudy.ref
    )
    order = (score_sql().desc(),) if prefer_ready else ()
    return (
        select(
            CaseStudy.ref,
            CaseStudy.title,
            CaseStudy.organisation,
            CaseStudy.approved_at,
            CaseStudy.created_at,
            quote_sql(),
            quantified_sql(),
        )
        .where(
            CaseStudy.status == "approved",
            CaseStudy.approved_hash == CaseStudy.content_hash,
            CaseStudy.approved_at.is_not(None),
            CaseStudy.id.not_in(in_a_slot),
        )
        .order_by(*order, CaseStudy.approved_at, CaseStudy.created_at, ref_order)
    )


def auto_pick_candidates(session: Session, prefer_ready: bool = True) -> list[Candidate]:
    return list(CandidatePool(session, prefer_ready))


class CandidatePool:
    """The auto-pick candidates in preference order, read from the database only as far as
    they are needed: a plan usually looks at the first few of thousands. Iterating again
    replays what was read, then reads on. Use within the session it was made with."""

    PAGE = 256

    def __init__(self, session: Session, prefer_ready: bool = True) -> None:
        self._rows = session.execute(
            _candidates_in_order(session, prefer_ready).execution_options(yield_per=self.PAGE)
        )
        self._seen: list[Candidate] = []
        self._done = False

    def __iter__(self) -> Iterator[Candidate]:
        index = 0
        while True:
            if index < len(self._seen):
                yield self._seen[index]
                index += 1
                continue
            if self._done:
                return
            row = self._rows.fetchone()
            if row is None:
                self._done = True
                self._rows.close()
                return
            ready = Readiness(bool(row[5]), bool(row[6]))
            self._seen.append(Candidate(row[0], row[1], row[2], row[3], row[4], ready))
