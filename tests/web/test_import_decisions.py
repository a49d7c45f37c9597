"""Issue 17, item 1, and issue 20: an upload in the console never accepts, escalates,
approves, rejects or withdraws. The decision columns (status, approved_by, approved_on) are
shown in the dry run as ignored, a warning rather than a problem; only the operator's
`vignettes import` takes them."""

from __future__ import annotations

import re

import pytest

from scheduler.operations.content.case_studies import case_study
from tests.conftest import case_study_row, escalate
from tests.web.conftest import Console
from tests.web.content import load, submitted, upload

IGNORED = "ignored: peer review and approval are given on the case study&#39;s page"


def checked(console: Console, rows: list[dict[str, object]], name: str = "in.json") -> str:
    sent = console.post("/import", upload(rows, name))
    assert sent.status_code == 302, sent.text
    return str(sent.location)


def test_an_editors_upload_of_an_approved_row_adds_it_as_submitted(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    address = checked(console, [case_study_row("UP-1", approved_by="Nobody at all")])
    page = console.get(address).text
    assert "Approvals in the file are ignored" in page
    assert page.count(IGNORED) == 3  # status, approved_by, approved_on: warnings
    assert "Import 1 row" in page  # not a problem: the file can still be imported
    console.post(f"{address}/confirm")
    imported = case_study(console.ws, "UP-1")
    assert (imported.status, imported.approval_current) == ("submitted", False)
    assert [e.action for e in imported.history] == ["imported"]


def test_an_approver_cannot_approve_their_own_upload_through_it(console: Console) -> None:
    console.add_user("priya", "approver")
    console.sign_in("priya")
    address = checked(console, [case_study_row("UP-2", approved_by="priya")])
    console.post(f"{address}/confirm")
    assert case_study(console.ws, "UP-2").status == "submitted"
    escalate(console.ws.store, "UP-2")
    refused = console.post("/case-studies/UP-2/approve", follow_redirects=True)
    assert "cannot be approved by priya, who imported it" in refused.text
    assert not case_study(console.ws, "UP-2").approval_current


def test_an_editor_cannot_withdraw_an_approved_case_study_with_a_file(console: Console) -> None:
    load(console, case_study_row("UP-3"))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    row = submitted("UP-3", status="withdrawn")
    address = checked(console, [row])
    page = console.get(address).text
    assert re.search(r"Withdrawn\s*</dt>\s*<dd[^>]*>\s*0", page)
    assert IGNORED in page
    console.post(f"{address}/confirm")
    kept = case_study(console.ws, "UP-3")
    assert (kept.status, kept.approval_current) == ("approved", True)


def test_wrong_decision_cells_in_an_upload_are_ignored_not_problems(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    row = submitted("UP-4", status="maybe", approved_on="not a date")
    page = console.get(checked(console, [row])).text
    assert "There is a problem" not in page
    assert page.count(IGNORED) == 2


def test_an_upload_never_accepts_or_escalates_what_it_adds(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    console.post(f"{checked(console, [case_study_row('UP-5')])}/confirm")
    added = case_study(console.ws, "UP-5")
    assert (added.status, added.reviews) == ("submitted", ())
    console.sign_out()
    console.add_user("rita", "reviewer")
    console.sign_in("rita")
    assert "UP-5" in console.get("/").text.split('id="review-queue"', 1)[1]


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "approved"])
def test_an_upload_never_undoes_or_replaces_a_peer_review(console: Console, status: str) -> None:
    load(console, submitted("UP-6"))
    escalate(console.ws.store, "UP-6")
    console.add_user("ed", "editor")
    console.sign_in("ed")
    console.post(f"{checked(console, [submitted('UP-6', status=status)])}/confirm")
    kept = case_study(console.ws, "UP-6")
    assert (kept.status, len(kept.reviews)) == ("escalated", 1)
