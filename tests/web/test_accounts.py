"""Account operations on both backends: audited with the interface, nothing secret kept in
the clear, and the calendar feed token stored only as a hash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler.clock import FakeClock
from scheduler.operations.accounts import users as accounts
from scheduler.operations.accounts.permissions import PermissionDenied
from scheduler.operations.accounts.sessions import check_session, end_session
from scheduler.operations.accounts.signin import authenticate, calendar_owner, reset_calendar_token
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from tests.conftest import NOW
from tests.web.conftest import OPERATOR, PASSWORD, workspace_for
from vignettes.store.account_models import User
from vignettes.store.models import AuditEvent

ADMIN = Actor("root", "web", "admin")
SAM = "sam@nhs.example"


@pytest.fixture
def ws(tmp_path: Path, db_url: str) -> Iterator[Workspace]:
    made = workspace_for(tmp_path, db_url, FakeClock(NOW))
    accounts.add_user(made, OPERATOR, "root", "admin", PASSWORD, email="root@nhs.example")
    yield made
    made.close()


def trail(ws: Workspace) -> list[tuple[str, str, str, dict[str, object]]]:
    with ws.store.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.actor, e.via, e.action, e.detail) for e in events]


def test_every_account_change_is_audited_with_who_and_through_what(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "viewer", PASSWORD, email=SAM)
    accounts.set_role(ws, ADMIN, "sam", "editor")
    accounts.disable_user(ws, ADMIN, "sam")
    authenticate(ws, "root", PASSWORD, "192.0.2.1")
    assert trail(ws) == [
        ("operator", "cli", "user.add", {"user": "root", "role": "admin", "services": []}),
        ("root", "web", "user.add", {"user": "sam", "role": "viewer", "services": []}),
        ("root", "web", "user.set-role", {"user": "sam", "old": "viewer", "new": "editor"}),
        ("root", "web", "user.disable", {"user": "sam"}),
        ("root", "web", "user.sign-in", {"address": "192.0.2.1"}),
    ]


@pytest.mark.usefixtures("program_hashing")
def test_passwords_are_kept_only_as_argon2id_hashes(ws: Workspace) -> None:
    accounts.reset_password(ws, ADMIN, "root", "an entirely new password")
    with ws.store.read() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "new password" not in stored and "new password" not in str(trail(ws))


def test_the_calendar_token_is_shown_once_and_kept_as_a_hash(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "viewer", PASSWORD, email=SAM)
    token = reset_calendar_token(ws, Actor("sam", "web", "viewer"), "sam")
    with ws.store.read() as session:
        kept = session.scalars(select(User.calendar_token_hash).where(User.name == "sam")).one()
    assert len(token) >= 43 and kept is not None and token not in kept
    owner = calendar_owner(ws, token)
    assert owner is not None and owner.name == "sam"
    renewed = reset_calendar_token(ws, ADMIN, "sam")
    assert calendar_owner(ws, token) is None and calendar_owner(ws, renewed) is not None


def test_only_the_person_or_an_admin_resets_a_calendar_token(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "editor", PASSWORD, email=SAM)
    with pytest.raises(PermissionDenied):
        reset_calendar_token(ws, Actor("eve", "web", "approver"), "sam")


def test_a_disabled_accounts_calendar_feed_stops(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "viewer", PASSWORD, email=SAM)
    token = reset_calendar_token(ws, OPERATOR, "sam")
    accounts.disable_user(ws, ADMIN, "sam")
    assert calendar_owner(ws, token) is None


def test_enabling_an_account_again_does_not_bring_its_calendar_feed_back(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "viewer", PASSWORD, email=SAM)
    token = reset_calendar_token(ws, OPERATOR, "sam")
    accounts.disable_user(ws, ADMIN, "sam")
    accounts.enable_user(ws, ADMIN, "sam")
    assert calendar_owner(ws, token) is None


def test_a_password_reset_ends_the_calendar_feed_address(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "viewer", PASSWORD, email=SAM)
    token = reset_calendar_token(ws, OPERATOR, "sam")
    accounts.reset_password(ws, ADMIN, "sam", "a completely new password")
    assert calendar_owner(ws, token) is None


def test_sessions_end_on_sign_out_reset_role_change_and_disable(ws: Workspace) -> None:
    accounts.add_user(ws, ADMIN, "sam", "viewer", PASSWORD, email=SAM)

    def session_of_sam() -> str:
        return authenticate(ws, "sam", PASSWORD, "127.0.0.1").session_id

    def opens(token: str) -> bool:
        return check_session(ws, token).user is not None

    first, second = session_of_sam(), session_of_sam()
    end_session(ws, first)
    assert (opens(first), opens(second)) == (False, True)
    accounts.set_role(ws, ADMIN, "sam", "editor")
    assert not opens(second)
    third = session_of_sam()
    accounts.reset_password(ws, ADMIN, "sam", PASSWORD)
    assert not opens(third)
    fourth = session_of_sam()
    accounts.disable_user(ws, ADMIN, "sam")
    assert not opens(fourth)
