"""Who may see which case studies, as SQL: the public listing, and a viewer's scope on the
impact dashboard.

The rules themselves (which statuses are listed, which services a person sees) are chosen
in one operations-layer function each (`scheduler.operations.impact.visibility`); these
types only carry them to the queries, so the workflow's states can change in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, true

from vignettes.store.models import CaseStudy


@dataclass(frozen=True)
class PublicRule:
    """What the public listing holds: case studies in `listed` whose content is still
    exactly what was accepted (`current`: an edit since takes it out until accepted
    again). `gone`: the statuses of a case study withdrawn or rejected after acceptance,
    whose public address answers 410 Gone."""

    listed: tuple[str, ...]
    gone: tuple[str, ...]
    current: bool = True

    def condition(self) -> ColumnElement[bool]:
        if not self.listed:
            return false()
        listed = CaseStudy.status.in_(self.listed)
        if self.current:
            return and_(listed, CaseStudy.approved_hash == CaseStudy.content_hash)
        return listed


@dataclass(frozen=True)
class ViewerScope:
    """The case studies one person may see on the dashboard: every one (`services` None),
    or only those of these library services (directory ids: a contributor's own)."""

    services: tuple[int, ...] | None = None

    def condition(self) -> ColumnElement[bool]:
        if self.services is None:
            return true()  # (a literal TRUE: SQLite's planner sees through it)
        if not self.services:
            return false()
        return CaseStudy.library_service_id.in_(self.services)


@dataclass(frozen=True)
class Stages:
    """Which statuses count as having reached each stage of the national process, for the
    dashboard's counts. A stage counts every case study that reached it, so one showcased
    is also accepted and submitted. `submitted` None: every case study was submitted.
    `in_review`: still being reviewed (its savings are shown apart from the listing's)."""

    submitted: tuple[str, ...] | None
    accepted: tuple[str, ...]
    escalated: tuple[str, ...]
    in_review: tuple[str, ...]
    every: tuple[str, ...] = ()  # every status a case study can have

    def reached(
        self, statuses: tuple[str, ...] | None, column: Any = CaseStudy.status
    ) -> ColumnElement[bool]:
        """`column` (a status) is one of `statuses` (None: any)."""
        if statuses is None:
            return true()
        return column.in_(statuses) if statuses else false()
