"""Plan: the next 12 months and the last 12 in local time, queued or auto-pick, states as
tags, a slot moved off a bank holiday; editors queue, unqueue and swap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.audit import audit_log
from scheduler.operations.months import Month
from scheduler.operations.showcase.planning import plan
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, error_summary, make_console
from tests.web.plan_data import (
    DECEMBER_MORNING,
    approved,
    load,
    mark_missed,
    options,
    problems,
    publish,
    submitted,
)


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(made, approved("ICS-1"), approved("ICS-2"), submitted("ICS-3"))
    yield made
    made.ws.close()


def planned(console: Console) -> dict[str, tuple[str | None, str | None]]:
    return {str(e.month): (e.ref, e.source) for e in plan(console.ws, 3)}


def test_a_viewer_sees_the_year_ahead_and_the_year_gone_by_without_forms(
    console: Console,
) -> None:
    publish(console)
    console.add_user("vera", "viewer")
    console.sign_in("vera")

    page = console.get("/plan").text

    assert "The next 12 months" in page and "The last 12 months" in page
    assert page.count('<tr class="nhsuk-table__row" role="row" id="month-') == 12
    assert (
        "1 Dec 2026, 10:00" in page and "5 Jan 2027, 10:00" in page and "3 Nov 2026, 10:00" in page
    )
    assert "Partly published" not in page and "Published" in page and "Auto-pick" in page
    assert "Queue a case study" not in page and "Unqueue" not in page


def test_a_slot_moved_off_a_bank_holiday_says_so(tmp_path: Path, frontend: Frontend) -> None:
    first_of_month = {"schedule": {"day": "1"}}
    console = make_console(tmp_path, frontend, sections=first_of_month, now=DECEMBER_MORNING)
    console.add_user("vera", "viewer")
    console.sign_in("vera")

    page = console.get("/plan").text

    assert "4 Jan 2027, 10:00" in page
    assert "Moved off a bank holiday: Fri 01 Jan is New Year&#39;s Day" in page
    console.ws.close()


def test_an_editor_queues_an_approved_case_study_to_a_month(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    form = console.get("/plan").text
    assert [v for v, _text in options(form, "ref")] == ["", "ICS-1", "ICS-2"]  # not ICS-3
    assert ("2027-01", "January 2027 (5 Jan 2027, 10:00)") in options(form, "month")

    done = console.post("/plan/queue", {"month": "2027-01", "ref": "ICS-2"})

    assert (done.status_code, done.location) == (302, "/plan")
    assert planned(console)["2027-01"] == ("ICS-2", "queued")
    assert (
        "ICS-2 is queued for January 2027 (Tue 5 Jan 2027, 10:00 GMT)." in console.get("/plan").text
    )
    latest = audit_log(console.ws, per_page=1).lines[0]
    assert (latest.action, latest.actor, latest.via, latest.month) == (
        "queued",
        "ed",
        "web",
        "2027-01",
    )


def test_queueing_nothing_names_both_fields(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = console.post("/plan/queue", {"month": "", "ref": ""})
    assert page.status_code == 400
    assert error_summary(page.text) == ["Select a month", "Select a case study"]
    assert 'href="#month"' in page.text and 'href="#ref"' in page.text


@pytest.mark.parametrize(
    ("month", "ref", "problem"),
    [
        ("2027-01", "ICS-3", "ICS-3 is not approved (submitted); approve it before queueing"),
        ("2027-01", "NOPE-1", "No case study 'NOPE-1'"),
        ("2026-11", "ICS-2", "November 2026 is in the past"),
        ("20266-01", "ICS-2", "Select a month from the list"),
    ],
)
def test_a_queue_the_plan_does_not_allow_is_refused_with_the_reason(
    console: Console, month: str, ref: str, problem: str
) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = console.post("/plan/queue", {"month": month, "ref": ref})
    assert page.status_code == 400
    assert problems(page.text) == [problem]
    assert planned(console)["2027-01"][1] == "auto-pick"


def test_an_editor_unqueues_a_month_and_auto_pick_fills_it_again(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    console.post("/plan/queue", {"month": "2027-01", "ref": "ICS-2"})
    assert 'action="/plan/2027-01/unqueue"' in console.get("/plan").text

    done = console.post("/plan/2027-01/unqueue")

    assert done.status_code == 302
    assert planned(console)["2027-01"][1] == "auto-pick"
    assert "ICS-2 is no longer queued for January 2027" in console.get("/plan").text
    again = console.post("/plan/2027-01/unqueue")
    assert error_summary(again.text) == ["Nothing is queued for January 2027"]


def test_an_editor_swaps_two_months(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    before = planned(console)

    done = console.post("/plan/swap", {"first": "2026-12", "second": "2027-01"})

    assert done.status_code == 302
    after = planned(console)
    assert after["2026-12"] == (before["2027-01"][0], "queued")
    assert after["2027-01"] == (before["2026-12"][0], "queued")
    refused = console.post("/plan/swap", {"first": "2027-01", "second": "2027-01"})
    assert error_summary(refused.text) == ["January 2027 cannot be swapped with itself"]


def test_a_viewer_may_not_change_the_plan(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert console.post("/plan/queue", {"month": "2027-01", "ref": "ICS-2"}).status_code == 403
    assert console.post("/plan/2027-01/unqueue").status_code == 403
    assert console.post("/plan/swap", {"first": "2026-12", "second": "2027-01"}).status_code == 403
    assert planned(console)["2027-01"][1] == "auto-pick"


def test_an_admin_may_publish_a_missed_month_late_from_the_plan(console: Console) -> None:
    mark_missed(console, Month(2026, 10))
    console.add_user("ada", "admin")
    console.sign_in("ada")
    assert 'href="/publish/2026-10"' in console.get("/plan").text
    assert "cannot be published" not in console.get("/publish/2026-10").text
