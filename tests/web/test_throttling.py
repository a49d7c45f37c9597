"""Sign-in is throttled per account and per address, with failures recorded and a clear
"try again in N minutes" (on both database backends)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler.clock import FakeClock
from scheduler.operations.accounts.signin import (
    ADDRESS_LIMIT,
    NAME_LIMIT,
    SignInRefused,
    SignInThrottled,
    authenticate,
)
from scheduler.operations.accounts.users import add_user
from scheduler.operations.context import Workspace
from scheduler.web.frontend import Frontend
from tests.conftest import NOW
from tests.web.conftest import OPERATOR, PASSWORD, make_console, workspace_for
from vignettes.store.account_models import SignInFailure

OFFICE = "192.0.2.10"


@pytest.fixture
def ws(tmp_path: Path, db_url: str) -> Iterator[Workspace]:
    made = workspace_for(tmp_path, db_url, FakeClock(NOW))
    add_user(made, OPERATOR, "priya", "editor", PASSWORD, email="priya@nhs.example")
    yield made
    made.close()


def fail(ws: Workspace, name: str, times: int, address: str = OFFICE) -> None:
    for _ in range(times):
        with pytest.raises(SignInRefused) as refused:
            authenticate(ws, name, "a wrong guess, again", address)
        assert not isinstance(refused.value, SignInThrottled)


def test_an_account_is_locked_for_a_while_after_repeated_failures(ws: Workspace) -> None:
    fail(ws, "priya", NAME_LIMIT)
    with pytest.raises(SignInThrottled) as throttled:
        authenticate(ws, "priya", PASSWORD, "198.51.100.1")  # even right, from elsewhere
    assert str(throttled.value) == "Too many failed sign-in attempts. Try again in 15 minutes."
    assert throttled.value.retry_after == 15 * 60
    ws.clock.advance(dt.timedelta(minutes=14, seconds=1))
    with pytest.raises(SignInThrottled, match=r"Try again in 1 minute\.$"):
        authenticate(ws, "priya", PASSWORD, OFFICE)
    ws.clock.advance(dt.timedelta(minutes=1))
    assert authenticate(ws, "priya", PASSWORD, OFFICE).name == "priya"


def test_a_success_starts_the_accounts_count_afresh(ws: Workspace) -> None:
    fail(ws, "priya", NAME_LIMIT - 1)
    authenticate(ws, "priya", PASSWORD, OFFICE)
    fail(ws, "priya", NAME_LIMIT - 1)
    assert authenticate(ws, "priya", PASSWORD, OFFICE).role == "editor"


def test_one_address_trying_many_names_is_locked_out(ws: Workspace) -> None:
    for number in range(ADDRESS_LIMIT):
        fail(ws, f"guess{number}", 1)
    with pytest.raises(SignInThrottled, match="Try again in 15 minutes"):
        authenticate(ws, "priya", PASSWORD, OFFICE)
    assert authenticate(ws, "priya", PASSWORD, "198.51.100.1").name == "priya"


def test_failures_are_recorded_without_what_was_typed_for_unknown_names(ws: Workspace) -> None:
    fail(ws, "priya", 1)
    fail(ws, "my-secret-password", 1)
    with ws.store.read() as session:
        rows = session.execute(select(SignInFailure.name, SignInFailure.address)).all()
    assert rows[0] == ("priya", OFFICE)
    assert rows[1].name.startswith("unknown:") and "secret" not in rows[1].name


def test_the_sign_in_page_says_when_to_try_again(tmp_path: Path, frontend: Frontend) -> None:
    console = make_console(tmp_path, frontend)
    console.add_user("priya", "editor")
    for _ in range(NAME_LIMIT):
        console.sign_in("priya", "a wrong guess, again")
    page = console.sign_in("priya")
    assert page.status_code == 429
    assert page.headers["Retry-After"] == str(15 * 60)
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in page.text
    console.ws.close()
