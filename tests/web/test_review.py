"""Decisions on a case study's page: approve an escalated one (with four eyes), reject with
a reason, queue to a free month; each a POST with the CSRF token, allowed by role, then
back to the page."""

from __future__ import annotations

import pytest

from scheduler.operations.actor import Actor
from scheduler.operations.content.case_studies import case_study
from scheduler.operations.content.importing import import_case_studies
from tests.conftest import case_study_row, escalate, write_import
from tests.web.conftest import Console, error_summary
from tests.web.content import load, submitted


def test_an_approver_approves_and_the_page_says_so(console: Console) -> None:
    load(console, submitted("R-1"))
    escalate(console.ws.store, "R-1")  # a peer review escalated it: it may be approved
    console.add_user("priya", "approver")
    console.sign_in("priya")
    done = console.post("/case-studies/R-1/approve")
    assert done.status_code == 302 and done.location == "/case-studies/R-1"
    assert "R-1 is approved." in console.get("/case-studies/R-1").text
    detail = case_study(console.ws, "R-1")
    assert detail.approval_current
    assert (detail.history[-1].actor, detail.history[-1].via) == ("priya", "web")


def test_four_eyes_refuses_the_approver_who_imported_it_with_a_clear_message(
    console: Console,
) -> None:
    path = write_import(console.ws.config_path.parent / "mine.json", [submitted("R-2")])
    import_case_studies(console.ws, Actor("priya", "web", "approver"), path)
    escalate(console.ws.store, "R-2")
    console.add_user("priya", "approver")
    console.sign_in("priya")
    refused = console.post("/case-studies/R-2/approve")
    assert refused.status_code == 409
    assert error_summary(refused.text) == [
        "R-2 cannot be approved by priya, who imported it: with four eyes, someone other "
        "than who imported or last changed a case study must approve it"
    ]
    assert not case_study(console.ws, "R-2").approval_current


def test_rejecting_needs_a_reason_and_releases_the_month(console: Console) -> None:
    load(console, case_study_row("R-3", showcase_month="2027-02"))
    console.add_user("priya", "approver")
    console.sign_in("priya")
    empty = console.post("/case-studies/R-3/reject", {"reason": " "})
    assert empty.status_code == 400
    assert error_summary(empty.text) == ["Enter why the case study is rejected"]
    assert 'href="#reason"' in empty.text
    done = console.post("/case-studies/R-3/reject", {"reason": "Names a patient"})
    assert done.status_code == 302
    assert "R-3 is rejected. It was removed from 2027-02." in console.get(done.location).text
    assert case_study(console.ws, "R-3").status == "rejected"


def test_an_editor_queues_an_approved_case_study_to_a_free_month(console: Console) -> None:
    load(console, case_study_row("R-4"), case_study_row("R-5", showcase_month="2027-01"))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = console.get("/case-studies/R-4").text
    assert '<option value="2026-12"' in page and '<option value="2027-01"' not in page  # taken
    taken = console.post("/case-studies/R-4/queue", {"month": "2027-01"})
    assert taken.status_code == 409
    assert error_summary(taken.text) == [
        "January 2027 already has R-5 queued; unqueue January 2027 first"
    ]
    assert console.post("/case-studies/R-4/queue", {"month": ""}).status_code == 400
    done = console.post("/case-studies/R-4/queue", {"month": "2027-02"})
    assert "R-4 is queued for February 2027: it goes out on Tue 2 Feb 2027 at 10:00." in (
        console.get(done.location).text
    )
    assert case_study(console.ws, "R-4").month == "2027-02"


@pytest.mark.parametrize("action", ["approve", "reject", "queue"])
def test_every_decision_refuses_a_post_without_the_csrf_token(
    console: Console, action: str
) -> None:
    load(console, submitted("R-6"))
    console.add_user("priya", "approver")
    console.sign_in("priya")
    refused = console.client.post(f"/case-studies/R-6/{action}", data={"reason": "x"})
    assert refused.status_code == 400
    assert "Sorry, the form could not be sent" in refused.text
    assert case_study(console.ws, "R-6").status == "submitted"


def test_a_viewer_or_editor_cannot_approve(console: Console) -> None:
    load(console, submitted("R-7"))
    for role in ("viewer", "editor"):
        console.add_user(role, role)
        console.sign_in(role)
        assert console.post("/case-studies/R-7/approve").status_code == 403
        assert console.post("/case-studies/R-7/reject", {"reason": "no"}).status_code == 403
        console.sign_out()
    assert case_study(console.ws, "R-7").status == "submitted"
