"""Every query about console sessions, inside the caller's `Store.read()` / `Store.write()`
session. What a session allows, and for how long, is decided above
(`scheduler.operations.accounts.sessions`); this module only stores, finds and ends rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from vignettes.store.account_models import ConsoleSession, User
from vignettes.store.directory import user_service_ids


@dataclass(frozen=True)
class SessionRow:
    """A session still open, as each request checks it: whose it is, and its times."""

    id: int
    user_name: str
    role: str
    must_change_password: bool
    created_at: dt.datetime
    seen_at: dt.datetime
    user_id: int = 0
    services: frozenset[int] = frozenset()


def start_session(session: Session, user: User, token_hash: str, now: dt.datetime) -> None:
    session.add(
        ConsoleSession(
            token_hash=token_hash, user_id=user.id, created_at=now, seen_at=now, ended_because=""
        )
    )


def open_session(session: Session, token_hash: str) -> SessionRow | None:
    """The session with `token_hash` if it has not ended and its account is enabled."""
    row = session.scalars(
        select(ConsoleSession).where(
            ConsoleSession.token_hash == token_hash, ConsoleSession.ended_at.is_(None)
        )
    ).first()
    if row is None or row.user.disabled_at is not None:
        return None
    user = row.user
    return SessionRow(
        row.id,
        user.name,
        user.role,
        user.must_change_password,
        row.created_at,
        row.seen_at,
        user.id,
        user_service_ids(session, user.id),
    )


def seen(session: Session, session_id: int, now: dt.datetime) -> None:
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.id == session_id, ConsoleSession.ended_at.is_(None))
        .values(seen_at=now)
    )


def end_session(session: Session, token_hash: str, now: dt.datetime, because: str) -> bool:
    """End one session; whether it was open."""
    result = session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.token_hash == token_hash, ConsoleSession.ended_at.is_(None))
        .values(ended_at=now, ended_because=because[:40])
    )
    return bool(getattr(result, "rowcount", 0))


def end_sessions_of(session: Session, user: User, now: dt.datetime, because: str) -> int:
    """End every open session of `user`; how many there were."""
    result = session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.user_id == user.id, ConsoleSession.ended_at.is_(None))
        .values(ended_at=now, ended_because=because[:40])
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_sessions_before(session: Session, before: dt.datetime) -> None:
    """Delete sessions that ended, or were last seen, before `before`."""
    session.execute(
        delete(ConsoleSession).where(
            or_(ConsoleSession.ended_at < before, ConsoleSession.seen_at < before)
        )
    )
