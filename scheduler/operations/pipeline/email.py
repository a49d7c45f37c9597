"""Sending the outbox from an interface (the console after an act, `vignettes run`'s tick
goes through the daemon), and what waits in it for `status` and the console."""

from __future__ import annotations

from scheduler.credentials.secrets import load_secrets
from scheduler.mail.outbox import SendReport, send_due
from scheduler.operations.context import Workspace
from vignettes.store.outbox import OutboxCounts, counts

__all__ = ["OutboxCounts", "SendReport", "outbox_counts", "send_outbox"]


def send_outbox(ws: Workspace, *, by: str, wait: bool = True) -> SendReport:
    """Send the emails that are due; never raises for a mail server's fault (it is
    recorded on each message). `wait`: False when another sender of this process is
    busy (the console, which must not hold a request for it)."""
    config = ws.config.email
    if not config.sending:
        return SendReport(skipped="email is not configured ([email])")
    password = load_secrets().smtp_password
    return send_due(ws.store, config, password, ws.clock, by=by, wait=wait)


def outbox_counts(ws: Workspace) -> OutboxCounts:
    with ws.store.read() as session:
        return counts(session)
