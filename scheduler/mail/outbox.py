"""Emptying the email outbox: the daemon on every tick, the console after an act that put
something in it (without delaying its answer), `vignettes status` to say what waits.

Each due message is claimed in its own committed transaction before the SMTP call, sent,
and its outcome recorded on the row: sent; retried later with a growing wait (a refused
connection, a timeout, a 4xx: nothing was delivered); failed (a 5xx, or still not sent
after `MAX_ATTEMPTS`); or unknown (the connection broke after the message was handed
over: never sent again blindly, `status` asks a person). A failure of one message never
stops the others, and never the act that caused it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from scheduler.clock import Clock
from scheduler.config.email import EmailConfig
from scheduler.mail.smtp import MailError, build_message, send
from vignettes.store import outbox as q
from vignettes.store.queries import Store

log = logging.getLogger(__name__)

FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
MAX_ATTEMPTS = 30  # about a day of retries at the longest wait
STALE_SENDING = dt.timedelta(minutes=15)
BATCH = 50
# One sender at a time in a process (the console's request threads, the daemon's tick).
_SENDING = threading.Lock()


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    skipped: str = ""  # why nothing was tried

    def to_json(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "unknown": self.unknown,
            "skipped": self.skipped,
        }


def retry_wait(attempts: int) -> dt.timedelta:
    """1, 2, 4, … minutes after each failed attempt, at most an hour."""
    wait: dt.timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 10))
    return min(wait, LONGEST_WAIT)


def send_due(
    store: Store,
    config: EmailConfig,
    password: str | None,
    clock: Clock,
    *,
    by: str,
    limit: int = BATCH,
    wait: bool = True,
) -> SendReport:
    """Send what is due now, at most `limit` messages. `wait`: False returns at once when
    another thread of this process is already sending (the console's way)."""
    report = SendReport()
    if not config.sending:
        report.skipped = "email is not configured ([email])"
        return report
    if not _SENDING.acquire(blocking=wait):
        report.skipped = "another sender is busy"
        return report
    try:
        now = clock.now()
        with store.write() as session:
            stale = q.stale_sending(session, now - STALE_SENDING)
        if stale:
            log.warning("%d email(s) were left sending by a stopped sender: marked unknown", stale)
        with store.read() as session:
            ids = q.due(session, now, limit)
        for message_id in ids:
            _send_one(store, config, password, clock, message_id, by, report)
    finally:
        _SENDING.release()
    return report


def _send_one(
    store: Store,
    config: EmailConfig,
    password: str | None,
    clock: Clock,
    message_id: int,
    by: str,
    report: SendReport,
) -> None:
    with store.write() as session:
        claimed = q.claim(session, message_id, clock.now(), by)
    if claimed is None:
        return
    message = build_message(config, claimed.to_address, claimed.subject, claimed.body, claimed.key)
    try:
        send(config, password, message)
    except MailError as exc:
        now = clock.now()
        if exc.unknown:
            state, retry_at = "unknown", None
            report.unknown.append(claimed.key)
        elif exc.permanent or claimed.attempts >= MAX_ATTEMPTS:
            state, retry_at = "failed", None
            report.failed.append(claimed.key)
        else:
            state, retry_at = "pending", now + retry_wait(claimed.attempts)
            report.retrying.append(claimed.key)
        with store.write() as session:
            q.finish(
                session, message_id, state=state, now=now, error=exc.message, retry_at=retry_at
            )
        log.warning("email %s (attempt %d): %s; now %s", claimed.key, claimed.attempts,
                    exc.message, state)  # fmt: skip
        return
    with store.write() as session:
        q.finish(session, message_id, state="sent", now=clock.now())
    report.sent.append(claimed.key)
    log.info("email %s sent", claimed.key)
