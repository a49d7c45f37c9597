"""The console sends the email outbox itself after an act, through a real SMTP server on
loopback, and never makes the person wait for it: a server that times out or is down
leaves the act done and the message to be retried, sent once when the server is back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scheduler.web.frontend import Frontend
from scheduler.web.mailer import Mailer
from tests.mail.smtp_server import free_port, silent_server, smtp_server
from tests.web.conftest import Console, make_console
from tests.web.pipeline_data import draft, review_form, two_services
from vignettes.store.pipeline_models import EmailMessage


def email_section(port: int) -> dict[str, Any]:
    return {
        "email": {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "security": "none",
            "from_address": "vignettes@nhs.example",
            "timeout": "2s",
        }
    }


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend, port: int) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, sections=email_section(port))
    two_services(made)
    draft(made, "M-1")
    yield made
    mailer(made).wait(30)
    made.ws.close()


def mailer(console: Console) -> Mailer:
    found: Mailer = console.app.extensions["vignettes.mailer"]
    return found


def outbox(console: Console) -> list[tuple[str, str, int, str]]:
    with console.ws.store.read() as session:
        rows = session.scalars(select(EmailMessage).order_by(EmailMessage.id))
        return [(m.to_address, m.state, m.attempts, m.last_error) for m in rows]


def test_a_submission_reaches_the_reviewer_through_the_console(console: Console, port: int) -> None:
    with smtp_server(port) as (inbox, _):
        console.sign_in("cara")
        assert console.post("/case-studies/M-1/submit").status_code == 302
        assert mailer(console).wait(30)
    [message] = inbox.to("rita@nhs.example")
    assert message["Subject"] == "Submitted for review: Title of M-1"
    assert "/case-studies/M-1" in message.get_payload()
    assert outbox(console) == [("rita@nhs.example", "sent", 1, "")]


def test_an_act_never_waits_for_a_mail_server_that_does_not_answer(
    console: Console, port: int
) -> None:
    with silent_server(port):
        console.sign_in("cara")
        done = console.post("/case-studies/M-1/submit")
        # The answer came back before the server's 2 s timeout was met: nothing failed yet.
        assert done.status_code == 302 and outbox(console)[0][3] == ""
        assert mailer(console).wait(30)
    [(to, state, attempts, error)] = outbox(console)
    assert (to, state, attempts) == ("rita@nhs.example", "pending", 1) and "timed out" in error


def test_a_server_that_is_down_gets_the_message_once_when_back(console: Console, port: int) -> None:
    console.sign_in("cara")
    console.post("/case-studies/M-1/submit")
    assert mailer(console).wait(30)
    assert outbox(console)[0][:3] == ("rita@nhs.example", "pending", 1)
    console.sign_out()
    console.clock.advance(dt.timedelta(minutes=1))
    with smtp_server(port) as (inbox, _):
        console.sign_in("rita")
        console.post("/case-studies/M-1/review", review_form("12", "changes", "Add the role."))
        assert mailer(console).wait(30)
        console.post("/case-studies/M-1/comments", {"body": "Thanks."})  # another act
        assert mailer(console).wait(30)
    assert len(inbox.to("rita@nhs.example")) == 1  # the submission, once
    assert len(inbox.to("cara@nhs.example")) == 1  # changes requested
    assert [state for _to, state, _n, _e in outbox(console)] == ["sent", "sent"]
