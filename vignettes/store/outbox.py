"""Every query on the email outbox: enqueue (at most once per key), claim what is due,
record what sending did, and count what waits.

A row is claimed `pending → sending` by a conditional UPDATE in its own committed
transaction before any SMTP call, so two senders (the daemon and a console) never send
the same row; a sender that died while `sending` leaves it to `stale_sending`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vignettes.store.pipeline_models import EmailMessage


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of a claimed row (no ORM object leaves the transaction)."""

    id: int
    key: str
    to_address: str
    subject: str
    body: str
    attempts: int


def enqueue(
    session: Session,
    *,
    key: str,
    to_address: str,
    subject: str,
    body: str,
    now: dt.datetime,
    user_id: int | None = None,
    not_before: dt.datetime | None = None,
) -> bool:
    """Add a message unless one with `key` exists (whatever its state); returns whether
    it was added. The UNIQUE key is the backstop for two transactions racing."""
    if session.scalar(select(EmailMessage.id).where(EmailMessage.key == key)) is not None:
        return False
    start = not_before or now
    session.add(
        EmailMessage(
            key=key,
            user_id=user_id,
            to_address=to_address,
            subject=subject[:200],
            body=body,
            state="pending",
            created_at=now,
            not_before=start,
            attempts=0,
            next_attempt_at=start,
            last_error="",
            detail={},
        )
    )
    session.flush()
    return True


def pending_by_key(session: Session, key: str) -> EmailMessage | None:
    """The message `key` while it still waits to be sent (a digest still collecting)."""
    stmt = select(EmailMessage).where(EmailMessage.key == key, EmailMessage.state == "pending")
    return session.scalars(stmt).first()


def due(session: Session, now: dt.datetime, limit: int) -> list[int]:
    stmt = (
        select(EmailMessage.id)
        .where(EmailMessage.state == "pending", EmailMessage.next_attempt_at <= now)
        .order_by(EmailMessage.next_attempt_at, EmailMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def claim(session: Session, message_id: int, now: dt.datetime, by: str) -> Outgoing | None:
    """Take a due message for sending; None when someone else took it first."""
    taken = session.execute(
        update(EmailMessage)
        .where(EmailMessage.id == message_id, EmailMessage.state == "pending")
        .values(state="sending", sending_at=now, attempts=EmailMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.get(EmailMessage, message_id)
    assert row is not None
    session.refresh(row)
    row.detail = {**(row.detail or {}), "sender": by}
    return Outgoing(row.id, row.key, row.to_address, row.subject, row.body, row.attempts)


def finish(
    session: Session,
    message_id: int,
    *,
    state: str,
    now: dt.datetime,
    error: str = "",
    retry_at: dt.datetime | None = None,
) -> None:
    """Record a send: `sent`; `pending` again with `retry_at`; `failed`; `unknown`."""
    row = session.get(EmailMessage, message_id)
    if row is None:
        return
    row.state = state
    row.last_error = error[:1000]
    row.sending_at = None
    if state == "sent":
        row.sent_at = now
    if retry_at is not None:
        row.next_attempt_at = retry_at


def stale_sending(session: Session, before: dt.datetime) -> int:
    """Messages left `sending` since before `before` (their sender died): whether the
    server got them cannot be known, so they become `unknown` rather than sent twice."""
    result = session.execute(
        update(EmailMessage)
        .where(EmailMessage.state == "sending", EmailMessage.sending_at < before)
        .values(state="unknown", last_error="the sender stopped while sending")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    failed: int
    unknown: int
    sent: int
    oldest_pending: dt.datetime | None
    last_error: str

    def to_json(self) -> dict[str, object]:
        return {
            "pending": self.pending,
            "failed": self.failed,
            "unknown": self.unknown,
            "sent": self.sent,
            "oldest_pending": self.oldest_pending.isoformat() if self.oldest_pending else None,
            "last_error": self.last_error,
        }


def counts(session: Session) -> OutboxCounts:
    by_state = dict(
        session.execute(select(EmailMessage.state, func.count()).group_by(EmailMessage.state)).all()
    )
    oldest = session.scalar(
        select(func.min(EmailMessage.created_at)).where(EmailMessage.state == "pending")
    )
    last_error = session.scalar(
        select(EmailMessage.last_error)
        .where(EmailMessage.last_error != "", EmailMessage.state != "sent")
        .order_by(EmailMessage.id.desc())
        .limit(1)
    )
    return OutboxCounts(
        pending=int(by_state.get("pending", 0)) + int(by_state.get("sending", 0)),
        failed=int(by_state.get("failed", 0)),
        unknown=int(by_state.get("unknown", 0)),
        sent=int(by_state.get("sent", 0)),
        oldest_pending=oldest,
        last_error=last_error or "",
    )
