"""The audit log (admins): newest first, who, when, through which interface, filtered by
case study and actor, a page at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.actor import Actor
from scheduler.operations.showcase.planning import queue
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, make_console
from tests.web.plan_data import DECEMBER, approved, load


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend)
    made.add_user("ada", "admin")
    made.sign_in("ada")
    yield made
    made.ws.close()


def rows(page: str) -> list[str]:
    return page.split('<tbody class="nhsuk-table__body" role="rowgroup">', 1)[1].split("<tr ")[1:]


def test_the_audit_log_shows_who_did_what_through_which_interface(console: Console) -> None:
    load(console, approved("ICS-1"))  # imported and approved on the command line
    queue(console.ws, Actor("ada", "web", "admin"), DECEMBER, "ICS-1")

    page = console.get("/audit").text

    newest = rows(page)[0]
    assert "ada" in newest and "Console" in newest and "Queued" in newest
    assert "December 2026" in newest and "ICS-1" in newest
    assert "Command line" in page and "Signed in" in page
    assert "5 events" in page


def test_the_audit_log_filters_by_case_study_and_by_actor(console: Console) -> None:
    load(console, approved("ICS-1"), approved("ICS-2"))
    only_one = console.get("/audit?ref=ICS-2").text
    assert len(rows(only_one)) == 2 and "ICS-1" not in only_one
    by_ada = console.get("/audit?actor=ada").text
    assert [("Signed in" in r) for r in rows(by_ada)] == [True]
    assert "No event matches." in console.get("/audit?actor=nobody").text


def test_the_audit_log_pages_newest_first(console: Console) -> None:
    load(console, *(approved(f"P-{i:02d}") for i in range(30)))  # 60, after ada's 2

    first, second = console.get("/audit").text, console.get("/audit?page=2").text

    assert len(rows(first)) == 50 and len(rows(second)) == 12
    assert "page 1 of 2" in first and 'href="/audit?page=2"' in first
    assert "P-29" in rows(first)[0] and "P-00" in rows(second)[-3]
    assert ["Signed in" in rows(second)[-2], "Added an account" in rows(second)[-1]] == [True, True]
    assert console.get("/audit?page=lots").status_code == 200  # read as page 1


@pytest.mark.parametrize("role", ["viewer", "editor", "approver"])
def test_only_admins_read_the_audit_log(console: Console, role: str) -> None:
    console.add_user("sam", role)
    console.sign_out()
    console.sign_in("sam")
    assert console.get("/audit").status_code == 403
