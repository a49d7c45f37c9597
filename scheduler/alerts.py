"""Alerts for people: always to the log, and to a webhook and/or email when configured.

Each alert has a key. The first time a key is raised it is sent everywhere; raising it again
while it is open only counts it (and re-sends once a day), so a problem that persists for
hours is not repeated every tick. Delivery failures are logged, never raised: an alert must
not take the daemon down.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select

from scheduler.config import AlertsConfig
from vignettes.store.models import Alert
from vignettes.store.queries import Store

log = logging.getLogger(__name__)
REMIND_AFTER = dt.timedelta(hours=24)


@dataclass(frozen=True)
class AlertMessage:
    key: str
    severity: str  # "critical" | "warning" | "info"
    text: str
    at: dt.datetime


class Channel(Protocol):
    name: str

    def send(self, message: AlertMessage) -> None: ...


class WebhookChannel:
    """Microsoft Teams / Slack incoming-webhook JSON: `{"text": ...}` works for both."""

    name = "webhook"

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, message: AlertMessage) -> None:
        import requests

        body = {"text": f"[impact-vignettes {message.severity}] {message.text}"}
        response = requests.post(
            self.url,
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        response.raise_for_status()


class EmailChannel:
    name = "email"

    def __init__(self, host: str, port: int, sender: str, to: Sequence[str]) -> None:
        self.host, self.port, self.sender, self.to = host, port, sender, list(to)

    def send(self, message: AlertMessage) -> None:
        email = EmailMessage()
        email["Subject"] = f"impact-vignettes {message.severity}: {message.text[:80]}"
        email["From"] = self.sender
        email["To"] = ", ".join(self.to)
        email.set_content(f"{message.text}\n\n(at {message.at.isoformat()}, key {message.key})")
        with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
            smtp.send_message(email)


def channels_from_config(config: AlertsConfig) -> list[Channel]:
    channels: list[Channel] = []
    if config.webhook_url:
        channels.append(WebhookChannel(config.webhook_url))
    if config.email_to:
        channels.append(
            EmailChannel(config.smtp_host, config.smtp_port, config.email_from, config.email_to)
        )
    return channels


class Alerter:
    def __init__(self, store: Store, channels: Sequence[Channel]) -> None:
        self.store = store
        self.channels = list(channels)

    def raise_alert(self, key: str, severity: str, text: str, *, now: dt.datetime) -> bool:
        """Record the alert; deliver it if new (or not delivered for a day). True if sent."""
        with self.store.write() as session:
            row = session.scalars(select(Alert).where(Alert.key == key)).first()
            deliver = True
            if row is None:
                session.add(
                    Alert(
                        key=key,
                        severity=severity,
                        message=text,
                        first_at=now,
                        last_at=now,
                        count=1,
                        resolved_at=None,
                    )
                )
            elif row.resolved_at is not None:
                row.resolved_at, row.first_at, row.last_at, row.count = None, now, now, 1
                row.message, row.severity = text, severity
            else:
                deliver = now - row.last_at >= REMIND_AFTER
                row.count += 1
                row.message = text
                if deliver:
                    row.last_at = now
        if deliver:
            announce(self.channels, AlertMessage(key, severity, text, now))
        else:
            log.debug("alert %s still open (not re-sent)", key)
        return deliver

    def resolve(self, key: str, *, now: dt.datetime) -> None:
        with self.store.write() as session:
            row = session.scalars(select(Alert).where(Alert.key == key)).first()
            if row is not None and row.resolved_at is None:
                row.resolved_at = now
                log.info("alert %s resolved", key)

    def open_alerts(self) -> list[Alert]:
        with self.store.read() as session:
            stmt = select(Alert).where(Alert.resolved_at.is_(None)).order_by(Alert.first_at)
            return list(session.scalars(stmt))


def announce(channels: Sequence[Channel], message: AlertMessage, *, to_log: bool = True) -> None:
    """Log `message` (unless the caller already has) and send it to every channel, without
    recording it: what `Alerter.raise_alert` does after recording, and all the daemon can do
    when the database itself is the problem. A failing channel is logged, never raised."""
    if to_log:
        level = {"critical": logging.ERROR, "info": logging.INFO}.get(message.severity)
        log.log(level or logging.WARNING, "ALERT %s: %s", message.key, message.text)
    for channel in channels:
        try:
            channel.send(message)
        except Exception as exc:  # a broken channel must not stop the others
            log.warning(
                "alert %s not delivered by %s: %s",
                message.key,
                channel.name,
                type(exc).__name__,
            )
