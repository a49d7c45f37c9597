"""Console sessions, kept on the server so that the server can end them.

The session cookie holds a random token; the database keeps only its SHA-256, with the
account, when the session started and when it was last seen. Each request checks that row:

- an ended session never opens again, whoever holds a copy of its cookie: signing out,
  changing or resetting the password, disabling the account and changing its role all end
  the account's sessions (`end_sessions`, called by those operations);
- a session idle for longer than `[web] session_timeout` ends;
- a session older than `[web] session_lifetime` (12 hours by default) ends however busy
  it is, so a copied cookie cannot be kept alive for ever.

The last-seen time is written at most once a minute (`SEEN_PRECISION`): every write is a
commit that makes the remembered read models (`vignettes.store.read_models`) read again, and a
minute early is the safe side of an idle timeout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from vignettes.errors import StoreError
from vignettes.store import sessions as q
from vignettes.store.account_models import User
from vignettes.store.directory import user_service_ids
from vignettes.store.read_models import cached
from vignettes.store.sessions import SessionRow

log = logging.getLogger(__name__)

SEEN_PRECISION = dt.timedelta(minutes=1)
# Sessions that ended (or went idle) this long ago are deleted.
KEEP_ENDED = dt.timedelta(days=30)
IDLE = "idle"
LIFETIME = "lifetime"


@dataclass(frozen=True)
class SessionUser:
    """A signed-in account as each request sees it. `session_id` is the random token the
    session cookie holds (the server keeps only its hash)."""

    name: str
    role: str
    session_id: str
    must_change_password: bool
    user_id: int = 0
    services: frozenset[int] = frozenset()

    def actor(self) -> Actor:
        return Actor(self.name, "web", self.role, self.user_id, self.services)


@dataclass(frozen=True)
class SessionCheck:
    """What a request's session cookie opens: `user`, or None with why the session just
    ended (`IDLE`, `LIFETIME`), if it did now."""

    user: SessionUser | None
    ended: str | None = None


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 keeps them useless to whoever reads
    # the database.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: User, now: dt.datetime) -> SessionUser:
    """A new session for `user`, in the caller's write transaction; also forgets sessions
    long ended."""
    token = secrets.token_urlsafe(32)
    q.forget_sessions_before(session, now - KEEP_ENDED)
    q.start_session(session, user, token_hash(token), now)
    return SessionUser(
        user.name,
        user.role,
        token,
        user.must_change_password,
        user.id,
        user_service_ids(session, user.id),
    )


def end_sessions(session: Session, user: User, now: dt.datetime, because: str) -> None:
    """End every session of `user` (in the caller's write transaction)."""
    q.end_sessions_of(session, user, now, because)


def check_session(ws: Workspace, token: str) -> SessionCheck:
    """The account whose session `token` is, if that session is still open: not ended,
    not idle beyond the timeout, not older than the lifetime, its account enabled. A
    session found idle or too old is ended now. Asked on every page, so the row is
    remembered until anyone changes the database."""
    if not token or len(token) > 100:
        return SessionCheck(None)
    hashed = token_hash(token)

    def read() -> SessionRow | None:
        with ws.store.read() as session:
            return q.open_session(session, hashed)

    row = cached(ws.store, ("console session", hashed), read)
    if row is None:
        return SessionCheck(None)
    web, now = ws.config.web, ws.now()
    ended = (
        LIFETIME
        if now - row.created_at > web.session_lifetime
        else IDLE
        if now - row.seen_at > web.session_timeout
        else None
    )
    if ended is not None:
        with ws.store.write() as session:
            q.end_session(session, hashed, now, ended)
        return SessionCheck(None, ended)
    if now - row.seen_at >= SEEN_PRECISION:
        _seen(ws, row.id, now)
    return SessionCheck(
        SessionUser(
            row.user_name, row.role, token, row.must_change_password, row.user_id, row.services
        )
    )


def _seen(ws: Workspace, session_id: int, now: dt.datetime) -> None:
    try:
        with ws.store.write() as session:
            q.seen(session, session_id, now)
    except StoreError as exc:  # a busy database must not refuse the page: next time
        log.warning("could not record a console session's activity: %s", exc)


def end_session(ws: Workspace, token: str, because: str = "signed out") -> None:
    """End the session `token` (signing out); nothing happens for an unknown one."""
    if token and len(token) <= 100:
        with ws.store.write() as session:
            q.end_session(session, token_hash(token), ws.now(), because)
