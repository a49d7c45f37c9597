"""Invitations in the console: an admin invites an address with a role and services and the
console emails the link (through a real SMTP server on loopback); the link opens a page to
choose a user name and password, works once, expires, and a newer invitation replaces it.
Without email the admin is shown the link once, to pass on another way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.accounts.users import list_users
from scheduler.web.frontend import Frontend
from tests.mail.smtp_server import Inbox, free_port, smtp_server
from tests.web.conftest import OPERATOR, PASSWORD, Console, make_console
from tests.web.content import load, submitted
from tests.web.pipeline_data import NORTH, two_services
from tests.web.plan_data import problems

LINK = re.compile(r"https?://[^\s\"]+(/invitation/[A-Za-z0-9_-]+)")


@pytest.fixture
def mailed(tmp_path: Path, frontend: Frontend) -> Iterator[tuple[Console, Inbox]]:
    port = free_port()
    email = {"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
             "from_address": "vignettes@nhs.example", "timeout": "5s"}  # fmt: skip
    console = make_console(tmp_path, frontend, sections={"email": email})
    two_services(console)
    console.add_user("ada", "admin")
    console.sign_in("ada")
    with smtp_server(port) as (inbox, _):
        yield console, inbox
    console.ws.close()


@pytest.fixture
def admin(console: Console) -> Console:
    two_services(console)
    console.add_user("ada", "admin")
    console.sign_in("ada")
    return console


def invite(console: Console, email: str = "nia@nhs.example", role: str = "contributor") -> str:
    """Invite `email` into Northmoor; the link's path, from the page (no email)."""
    page = console.post("/invitations/new", {"email": email, "role": role, "services": NORTH})
    found = LINK.search(page.text)
    assert found, page.text
    return found.group(1)


def accounts(console: Console) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    return {u.name: (u.role, u.email, u.services) for u in list_users(console.ws, OPERATOR)}


def test_the_email_brings_a_link_that_makes_the_account_once(
    mailed: tuple[Console, Inbox],
) -> None:
    console, inbox = mailed
    sent = {"email": "Nia@NHS.example", "role": "contributor", "services": NORTH}
    done = console.post("/invitations/new", sent)
    assert done.location == "/users"
    users = console.get("/users").text
    assert "An invitation is on its way to nia@nhs.example." in users
    assert "Invitations waiting" in users and "nia@nhs.example" in users.split("Invitations")[2]
    [message] = inbox.to("nia@nhs.example")
    found = LINK.search(message.get_payload())
    assert found and found.group(1) not in users
    console.sign_out()
    page = console.get(found.group(1)).text
    assert "Accept your invitation" in page and NORTH in page and 'value="nia"' in page
    form = {"name": "nia", "password": PASSWORD, "confirm_password": PASSWORD}
    assert console.post(found.group(1), form).location == "/"
    load(console, submitted("N-1"))
    assert "N-1" in console.get("/").text  # signed in, as Northmoor's contributor
    assert accounts(console)["nia"] == ("contributor", "nia@nhs.example", (NORTH,))
    console.sign_out()
    used = console.get(found.group(1))
    assert used.status_code == 404 and "This invitation cannot be used" in used.text


def test_without_email_the_admin_is_shown_the_link_once(admin: Console) -> None:
    page = admin.post("/invitations/new", {"email": "nia@nhs.example", "role": "reviewer"})
    assert "Email is not configured" in page.text and page.headers["Cache-Control"] == "no-store"
    link = LINK.search(page.text)
    assert link and link.group(1) not in admin.get("/users").text


def test_a_link_expires_and_a_newer_invitation_replaces_it(admin: Console) -> None:
    first = invite(admin)
    second = invite(admin)
    admin.sign_out()
    assert admin.get(first).status_code == 404
    assert admin.get(second).status_code == 200
    admin.idle(7 * 24 * 60 + 1)
    assert admin.get(second).status_code == 404


def test_a_name_or_password_that_will_not_do_is_said_and_the_link_still_works(
    admin: Console,
) -> None:
    link = invite(admin)
    admin.sign_out()
    for form, problem in (
        ({"name": "a b", "password": PASSWORD}, "'a b' is not a user name"),
        ({"name": "nia", "password": "short"}, "The password is too short"),
        ({"name": "ada", "password": PASSWORD}, "There is already a user called 'ada'"),
        ({"name": "nia", "password": PASSWORD, "confirm_password": "other"},
         "The passwords do not match"),
    ):  # fmt: skip
        page = admin.post(link, {"confirm_password": form["password"], **form})
        assert page.status_code == 400 and problems(page.text)[0].startswith(problem), form
    assert "nia" not in accounts(admin)
    assert admin.get(link).status_code == 200


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"email": "", "role": "viewer"}, "Enter the email address to invite"),
        ({"email": "nia at nhs", "role": "viewer"}, "'nia at nhs' is not an email address"),
        ({"email": "ada@nhs.example", "role": "viewer"},
         "There is already an account with the email address ada@nhs.example"),
        ({"email": "nia@nhs.example", "role": "viewer", "services": "Nowhere Library"},
         "No library service 'Nowhere Library'"),
    ],
)  # fmt: skip
def test_an_invitation_that_cannot_be_made_is_named(
    admin: Console, form: dict[str, str], problem: str
) -> None:
    page = admin.post("/invitations/new", form)
    assert page.status_code == 400 and problems(page.text)[0].startswith(problem)
    assert "Invitations waiting" in admin.get("/users").text
    assert "No invitation is waiting to be used." in admin.get("/users").text


def test_only_an_admin_invites(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    assert console.get("/invitations/new").status_code == 403
    assert console.post("/invitations/new", {"email": "x@nhs.example"}).status_code == 403
    assert console.get("/invitation/not-a-real-token").status_code == 404


def test_an_unknown_or_absurd_token_opens_nothing(console: Console) -> None:
    assert console.get("/invitation/" + "x" * 43).status_code == 404
    assert console.get("/invitation/" + "x" * 500).status_code == 404
    assert console.post("/invitation/nothing", {"name": "eve"}).status_code == 404
