"""Approval records who, when and the content hash; an edit voids it (invariant 1)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.conftest import NOW, case_study_row, escalate, schedule_rule, write_import
from tests.store.helpers import snapshot
from vignettes.approval import approve, reject
from vignettes.errors import ApprovalError
from vignettes.importing.files import import_file
from vignettes.planning.plan import queue
from vignettes.planning.slots import Month
from vignettes.store.queries import Store, audit_trail, get_case_study, get_slot


def load(store: Store, tmp_path: Path, *rows: dict[str, object], name: str = "in.json") -> None:
    path = write_import(tmp_path / name, list(rows))
    import_file(store, path, now=NOW, actor="tester", schedule=schedule_rule())


def test_approving_records_reviewer_time_and_content_hash(store: Store, tmp_path: Path) -> None:
    load(
        store,
        tmp_path,
        case_study_row("A-1", status="submitted", approved_by=None, approved_on=None),
    )
    escalate(store, "A-1")
    outcome = approve(store, "A-1", by="Dr Reviewer", now=NOW, schedule=schedule_rule())
    with store.read() as session:
        cs = get_case_study(session, "A-1")
        assert (cs.approved_by, cs.approved_at, cs.approved_hash) == (
            "Dr Reviewer",
            NOW,
            outcome.content_hash,
        )
        assert cs.approvals[-1].decision == "approved" and cs.approval_is_current


def test_edited_case_study_loses_its_approval(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, case_study_row("E-1"))
    load(
        store,
        tmp_path,
        case_study_row("E-1", summary="A quietly different claim."),
        name="edit.json",
    )
    with store.read() as session:
        cs = get_case_study(session, "E-1")
        assert cs.status == "submitted" and not cs.approval_is_current
        assert [a.decision for a in cs.approvals] == ["approved", "voided"]
        assert "approval_voided" in [e.action for e in audit_trail(session, "E-1")]


def test_an_edit_cannot_carry_its_own_approval_in_the_file(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, case_study_row("E-2"))
    edited = case_study_row("E-2", headline="A bolder headline", approved_by="Someone Else")
    load(store, tmp_path, edited, name="edit.json")
    with store.read() as session:
        assert get_case_study(session, "E-2").status == "submitted"


def test_an_edited_case_study_queued_for_a_month_is_flagged_not_sent(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, case_study_row("Q-1"))
    queue(store, Month(2027, 1), "Q-1", by="comms", now=NOW, schedule=schedule_rule())
    load(store, tmp_path, case_study_row("Q-1", summary="Edited after queueing."), name="edit.json")
    with store.read() as session:
        slot = get_slot(session, Month(2027, 1))
        assert slot is not None and slot.case_study is not None
        assert not slot.case_study.approval_is_current


def test_approving_needs_no_impact_categories(store: Store, tmp_path: Path) -> None:
    # Issue 10: categories are optional; a card without any simply shows none.
    row = case_study_row(
        "N-1", status="submitted", approved_by=None, approved_on=None, impact_categories=None
    )
    load(store, tmp_path, row)
    escalate(store, "N-1")
    outcome = approve(store, "N-1", by="Dr Reviewer", now=NOW, schedule=schedule_rule())
    assert outcome.status == "approved"


def test_rejecting_releases_the_queued_month_and_records_the_reason(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, case_study_row("R-1"))
    queue(store, Month(2027, 2), "R-1", by="comms", now=NOW, schedule=schedule_rule())
    outcome = reject(store, "R-1", by="Dr Reviewer", reason="consent withdrawn", now=NOW)
    assert outcome.note == "removed from 2027-02"
    with store.read() as session:
        assert get_slot(session, Month(2027, 2)) is None
        assert get_case_study(session, "R-1").approvals[-1].reason == "consent withdrawn"


def test_approving_queues_the_requested_month_when_free(store: Store, tmp_path: Path) -> None:
    row = case_study_row(
        "M-1", status="submitted", approved_by=None, approved_on=None, showcase_month="2027-03"
    )
    load(store, tmp_path, row)
    later = NOW + dt.timedelta(days=1)
    escalate(store, "M-1")
    outcome = approve(store, "M-1", by="Dr Reviewer", now=later, schedule=schedule_rule())
    assert outcome.queued_month == "2027-03"


FORGED = [
    ("Dr Reviewer\n2026-11-26 approved by Someone Else", "contains a line break"),
    ("Dr \x1b[2KReviewer", "contains control character U+001B"),
    ("Dr \u202eReviewer", "contains invisible character U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Dr Reviewer\u2028next line", "contains a line break"),
    ("R" * 121, "is 121 characters, the limit is 120"),
]


@pytest.mark.parametrize(("by", "reason"), FORGED, ids=[r for _, r in FORGED])
def test_a_reviewer_name_that_could_forge_the_history_is_refused(
    store: Store, tmp_path: Path, by: str, reason: str
) -> None:
    load(
        store,
        tmp_path,
        case_study_row("F-1", status="submitted", approved_by=None, approved_on=None),
    )
    escalate(store, "F-1")
    before = snapshot(store)
    with pytest.raises(ApprovalError, match=f"^--by: the reviewer's name {re.escape(reason)}"):
        approve(store, "F-1", by=by, now=NOW, schedule=schedule_rule())
    with pytest.raises(ApprovalError, match=f"^--by: the reviewer's name {re.escape(reason)}"):
        reject(store, "F-1", by=by, reason="consent withdrawn", now=NOW)
    assert snapshot(store) == before


def test_a_reject_reason_must_be_one_line_of_reasonable_length(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, case_study_row("F-2"))
    before = snapshot(store)
    with pytest.raises(ApprovalError, match=r"^--reason is 1001 characters, the limit is 1000"):
        reject(store, "F-2", by="Dr Reviewer", reason="x" * 1001, now=NOW)
    with pytest.raises(ApprovalError, match=r"^--reason contains a line break"):
        reject(store, "F-2", by="Dr Reviewer", reason="ok\nrejected by Someone Else", now=NOW)
    assert snapshot(store) == before


def test_a_reviewer_name_is_recorded_trimmed(store: Store, tmp_path: Path) -> None:
    load(
        store,
        tmp_path,
        case_study_row("F-3", status="submitted", approved_by=None, approved_on=None),
    )
    escalate(store, "F-3")
    approve(store, "F-3", by="  Zoë Ó Briain ", now=NOW, schedule=schedule_rule())
    with store.read() as session:
        assert get_case_study(session, "F-3").approved_by == "Zoë Ó Briain"
