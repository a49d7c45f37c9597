"""Emails leave the outbox through a real SMTP server on loopback. A server that refuses,
times out or is down never undoes the act that queued the email: the message is kept,
retried later, and sent exactly once when the server is back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.clock import FakeClock
from scheduler.config import parse_config
from scheduler.config.email import EmailConfig
from scheduler.mail.outbox import send_due
from tests.conftest import NOW
from tests.mail.smtp_server import free_port, silent_server, smtp_server
from vignettes.store import outbox
from vignettes.store.queries import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'v.db'}")
    yield opened
    opened.close()


def email_config(port: int) -> EmailConfig:
    data = {
        "database": {"url": "sqlite:///unused.db"},
        "email": {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "security": "none",
            "from_address": "vignettes@nhs.example",
            "timeout": "1s",
        },
    }
    return parse_config(data, Path("config.toml")).email


def queue_one(store: Store, key: str = "review:1:7") -> None:
    with store.write() as session:
        outbox.enqueue(session, key=key, to_address="cara@nhs.example",
                       subject="Accepted: A title", body="See it.", now=NOW)  # fmt: skip


def state_of(store: Store) -> tuple[str, int]:
    from sqlalchemy import select

    from vignettes.store.pipeline_models import EmailMessage

    with store.read() as session:
        row = session.scalars(select(EmailMessage)).one()
        return row.state, row.attempts


@pytest.mark.parametrize("fault", ["refuses", "times out", "is down"])
def test_a_failing_server_keeps_the_message_and_sends_it_once_when_back(
    store: Store, fault: str
) -> None:
    clock = FakeClock(NOW)
    queue_one(store)
    port = free_port()
    if fault == "refuses":
        with smtp_server(port) as (inbox, _):
            inbox.refuse = True
            report = send_due(store, email_config(port), None, clock, by="test")
    elif fault == "times out":
        with silent_server() as port:
            report = send_due(store, email_config(port), None, clock, by="test")
    else:
        report = send_due(store, email_config(port), None, clock, by="test")
    assert report.retrying == ["review:1:7"] and state_of(store) == ("pending", 1)
    with smtp_server(port) as (inbox, _):
        assert send_due(store, email_config(port), None, clock, by="test").sent == []  # not yet
        clock.advance(dt.timedelta(minutes=1))
        assert send_due(store, email_config(port), None, clock, by="test").sent == ["review:1:7"]
        clock.advance(dt.timedelta(hours=2))
        send_due(store, email_config(port), None, clock, by="test")
    assert len(inbox.to("cara@nhs.example")) == 1
    assert state_of(store) == ("sent", 2)


def test_the_same_event_and_person_is_queued_once(store: Store) -> None:
    queue_one(store)
    queue_one(store)
    with smtp_server() as (inbox, port):
        send_due(store, email_config(port), None, FakeClock(NOW), by="test")
    assert len(inbox.messages) == 1


def test_a_message_is_plain_text_with_its_own_message_id(store: Store) -> None:
    queue_one(store)
    with smtp_server() as (inbox, port):
        send_due(store, email_config(port), None, FakeClock(NOW), by="test")
    message = inbox.messages[0]
    assert message.get_content_type() == "text/plain"
    assert message["Subject"] == "Accepted: A title"
    assert "review.1.7" in message["Message-ID"]


def test_without_email_configured_messages_wait(store: Store) -> None:
    queue_one(store)
    report = send_due(store, EmailConfig(), None, FakeClock(NOW), by="test")
    assert report.skipped and state_of(store) == ("pending", 0)
