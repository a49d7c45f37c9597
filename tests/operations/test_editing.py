"""Adding and editing a case study by hand: the import's rules and write path, a history of
what changed, and the roles' say over the workflow fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scheduler.operations.accounts.permissions import PermissionDenied
from scheduler.operations.actor import Actor
from scheduler.operations.content.case_studies import case_study
from scheduler.operations.content.editing import add_case_study, edit_case_study, fields_of
from scheduler.operations.context import Workspace
from tests.conftest import case_study_row
from tests.operations.conftest import load
from vignettes.errors import ImportRejected, NotFound

SAM = Actor("sam", "web", "editor")
PRIYA = Actor("priya", "web", "approver")


def submitted(ref: str, **overrides: Any) -> dict[str, Any]:
    """A form's fields for a new case study awaiting review."""
    row = case_study_row(ref, status=None, approved_by=None, approved_on=None, **overrides)
    return {k: ("yes" if v is True else v) for k, v in row.items()}


def problems(caught: pytest.ExceptionInfo[ImportRejected]) -> dict[str, str]:
    return {issue.field: issue.reason for issue in caught.value.issues}


def current(ws: Workspace, ref: str) -> dict[str, Any]:
    detail = case_study(ws, ref)
    return fields_of(detail.content, detail.requested_month)


def test_a_form_is_held_to_the_import_rules_and_every_problem_names_its_field(
    ws: Workspace,
) -> None:
    fields = submitted(
        "F-1", headline="x" * 91, impact_categories=["patient care", "wellbeing"], link="http://a.b"
    )
    with pytest.raises(ImportRejected) as caught:
        add_case_study(ws, SAM, fields)
    found = problems(caught)
    assert found["headline"] == "is 91 characters, the limit is 90"
    assert "unknown category 'wellbeing'" in found["impact_categories"]
    assert found["link"].startswith("must be an https:// link")
    with pytest.raises(NotFound):  # nothing was written
        case_study(ws, "F-1")


def test_an_added_case_study_is_recorded_as_added_by_its_author_through_the_console(
    ws: Workspace,
) -> None:
    saved = add_case_study(ws, SAM, submitted("F-2", impact_categories=["Better patient care"]))
    assert (saved.ref, saved.created, saved.changed) == ("F-2", True, True)
    detail = case_study(ws, "F-2")
    assert detail.status == "submitted"
    assert detail.content.impact_categories == ("patient-care",)
    assert [(e.action, e.actor, e.via) for e in detail.history] == [("added", "sam", "web")]


def test_adding_a_ref_that_exists_or_differs_only_by_case_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, case_study_row("ICS-1"))
    with pytest.raises(ImportRejected) as same:
        add_case_study(ws, SAM, submitted("ICS-1"))
    assert problems(same)["ref"] == "ICS-1 already exists: edit it instead"
    with pytest.raises(ImportRejected) as cased:
        add_case_study(ws, SAM, submitted("ics-1"))
    assert "differs only by case from ICS-1" in problems(cased)["ref"]


def test_editing_approved_content_voids_the_approval_and_records_old_and_new_values(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, case_study_row("E-1", headline="Evidence helped the ward"))
    fields = {**current(ws, "E-1"), "headline": "Evidence helps the ward"}

    saved = edit_case_study(ws, SAM, "E-1", fields)

    assert (saved.changed, saved.approval_voided) == (True, True)
    detail = case_study(ws, "E-1")
    assert (detail.status, detail.approval_current) == ("submitted", False)
    updated, voided = detail.history[-2:]
    assert (updated.action, updated.actor, updated.via) == ("updated", "sam", "web")
    assert updated.detail["changes"] == {
        "headline": {"old": "Evidence helped the ward", "new": "Evidence helps the ward"}
    }
    assert (voided.action, voided.detail["reason"]) == (
        "approval_voided",
        "content changed by an edit",
    )


def test_saving_a_form_unchanged_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, case_study_row("E-2", time_saved_hours=12.5, cost_saving_gbp=300))
    before = case_study(ws, "E-2")
    saved = edit_case_study(ws, SAM, "E-2", current(ws, "E-2"))
    after = case_study(ws, "E-2")
    assert saved.changed is False
    assert (after.status, after.content_hash, after.history) == (
        "approved",
        before.content_hash,
        before.history,
    )


def test_the_ref_cannot_change_and_an_outdated_edit_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, case_study_row("E-3"))
    with pytest.raises(ImportRejected) as renamed:
        edit_case_study(ws, SAM, "E-3", {**current(ws, "E-3"), "ref": "E-4"})
    assert problems(renamed)["ref"].startswith("cannot change")
    opened = case_study(ws, "E-3").content_hash
    edit_case_study(ws, PRIYA, "E-3", {**current(ws, "E-3"), "title": "Someone else's edit"})
    with pytest.raises(ImportRejected) as stale:
        edit_case_study(ws, SAM, "E-3", current(ws, "E-3"), expected_hash=opened)
    assert "changed by someone else" in problems(stale)[""]


def test_a_quote_left_without_consent_is_withheld_with_a_warning_as_on_import(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, case_study_row("E-5"))
    saved = edit_case_study(ws, SAM, "E-5", {**current(ws, "E-5"), "quote_consent": ""})
    assert [w.field for w in saved.warnings] == ["quote_consent"]
    assert case_study(ws, "E-5").quote_note == "quote withheld: no consent recorded"


def test_the_workflow_fields_follow_the_roles(ws: Workspace) -> None:
    approved = {**submitted("W-1"), "status": "approved", "approved_by": "Review panel"}
    approved["approved_on"] = "2026-06-01"
    with pytest.raises(PermissionDenied):
        add_case_study(ws, Actor("vera", "web", "viewer"), submitted("W-0"))
    with pytest.raises(ImportRejected) as editor:
        add_case_study(ws, SAM, approved)
    assert problems(editor)["status"].startswith("approved can only be recorded by an approver")
    with pytest.raises(ImportRejected) as four_eyes:
        add_case_study(ws, PRIYA, approved)
    assert "four eyes" in problems(four_eyes)["status"]
    assert add_case_study(ws, Actor("operator", "cli"), approved).created
    assert case_study(ws, "W-1").approval_current
