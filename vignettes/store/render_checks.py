"""Remembered answers to "could this content be posted in this month under these
rendering settings?" (`scheduler.publishing.postability`), so a plan of many months does
not render every card again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vignettes.store.models import RenderCheck


def cached_render_checks(
    session: Session, keys: Iterable[tuple[str, str]], settings: str
) -> dict[tuple[str, str], str]:
    """Remembered postability answers for (content hash, month) pairs under `settings`:
    the problem, or "" when the content could be posted. Pairs never checked are absent."""
    wanted = set(keys)
    if not wanted:
        return {}
    hashes = sorted({h for h, _m in wanted})
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(hashes), 500):
        stmt = select(RenderCheck.content_hash, RenderCheck.month, RenderCheck.problem).where(
            RenderCheck.settings == settings,
            RenderCheck.content_hash.in_(hashes[start : start + 500]),
        )
        for content_hash, month, problem in session.execute(stmt):
            if (content_hash, month) in wanted:
                found[(content_hash, month)] = problem
    return found


def remember_render_checks(
    session: Session, answers: Mapping[tuple[str, str], str], settings: str, now: dt.datetime
) -> None:
    """Store postability answers; a pair already stored (by a concurrent check, which
    necessarily reached the same answer) is left as it is."""
    stored = cached_render_checks(session, answers, settings)
    for (content_hash, month), problem in answers.items():
        if (content_hash, month) not in stored:
            session.add(
                RenderCheck(
                    content_hash=content_hash,
                    month=month,
                    settings=settings,
                    problem=problem,
                    checked_at=now,
                )
            )


def prune_render_checks(session: Session, settings: str) -> int:
    """Delete the postability answers kept under any fingerprint but `settings`: they can
    never be asked for again. Returns how many went."""
    result = session.execute(delete(RenderCheck).where(RenderCheck.settings != settings))
    return int(getattr(result, "rowcount", 0) or 0)
