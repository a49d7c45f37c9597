"""The audit log: every recorded action, newest first, a page at a time (who, when, through
which interface, what, to which case study or month)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from scheduler.operations.context import Workspace
from vignettes.store.models import AuditEvent

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    actor: str
    via: str
    action: str
    ref: str
    month: str
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "via": self.via or None,
            "action": self.action,
            "ref": self.ref or None,
            "month": self.month or None,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class AuditPage:
    lines: tuple[AuditLine, ...]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def audit_log(
    ws: Workspace,
    *,
    page: int = 1,
    per_page: int = 50,
    ref: str | None = None,
    actor: str | None = None,
) -> AuditPage:
    """One page of the audit trail, newest first, optionally for one case study or actor."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    stmt = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if ref:
        stmt, count = stmt.where(AuditEvent.ref == ref), count.where(AuditEvent.ref == ref)
    if actor:
        stmt, count = stmt.where(AuditEvent.actor == actor), count.where(AuditEvent.actor == actor)
    stmt = stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    with ws.store.read() as session:
        total = int(session.scalar(count) or 0)
        lines = tuple(
            AuditLine(e.at, e.actor, e.via, e.action, e.ref, e.month, dict(e.detail or {}))
            for e in session.scalars(stmt)
        )
    return AuditPage(lines, page, per_page, total)
