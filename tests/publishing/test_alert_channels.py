"""Alert channels over real sockets: a webhook and an SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import email
import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from scheduler.alerts import Alerter, EmailChannel, WebhookChannel
from tests.publishing.conftest import Webhook
from vignettes.store.queries import Store

NOW = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)


class SMTPSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to accept a message and keep it."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        super().__init__(("127.0.0.1", 0), _SMTPHandler)


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: Any = self.server
        self.wfile.write(b"220 sink ready\r\n")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ")[0].upper()
            if verb == "DATA":
                self.wfile.write(b"354 end with .\r\n")
                body = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                server.messages.append(email.message_from_bytes(body))
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp() -> Iterator[SMTPSink]:
    sink = SMTPSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    yield sink
    sink.shutdown()
    sink.server_close()


def test_an_alert_is_emailed_and_posted_to_the_webhook(
    store: Store, smtp: SMTPSink, webhook: Webhook
) -> None:
    mail = EmailChannel(
        "127.0.0.1", smtp.server_address[1], "vignettes@trust.example", ["comms@trust.example"]
    )
    alerter = Alerter(store, [mail, WebhookChannel(webhook.url)])
    alerter.raise_alert("missed:2026-12", "critical", "2026-12 was not published", now=NOW)
    assert smtp.messages[0]["To"] == "comms@trust.example"
    assert "2026-12 was not published" in smtp.messages[0]["Subject"]
    assert webhook.received == [{"text": "[impact-vignettes critical] 2026-12 was not published"}]


def test_a_broken_channel_does_not_stop_the_others(store: Store, webhook: Webhook) -> None:
    dead = EmailChannel("127.0.0.1", 9, "a@b.example", ["c@d.example"])  # nothing listens
    alerter = Alerter(store, [dead, WebhookChannel(webhook.url)])
    assert alerter.raise_alert("k", "warning", "still delivered", now=NOW)
    assert len(webhook.received) == 1


def test_an_open_alert_is_reminded_after_a_day_not_every_tick(
    store: Store, webhook: Webhook
) -> None:
    alerter = Alerter(store, [WebhookChannel(webhook.url)])
    for hours in (0, 1, 12, 23):
        alerter.raise_alert(
            "k", "warning", "token expires soon", now=NOW + dt.timedelta(hours=hours)
        )
    alerter.raise_alert("k", "warning", "token expires soon", now=NOW + dt.timedelta(hours=24))
    assert len(webhook.received) == 2
    alerter.resolve("k", now=NOW + dt.timedelta(hours=25))
    assert alerter.open_alerts() == []
