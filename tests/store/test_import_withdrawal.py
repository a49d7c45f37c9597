"""Issue 11 item 3 and issue 20: a spreadsheet can reject or withdraw a case study (each kept
as the state it names), and never silently approves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW, case_study_row, schedule_rule, write_import
from tests.store.helpers import rejection, run_import
from vignettes.planning.plan import queue
from vignettes.planning.slots import Month
from vignettes.store.models import MonthlySlot
from vignettes.store.queries import Store, audit_trail, get_case_study, get_slot


@pytest.mark.parametrize(
    ("status", "state"),
    [("rejected", "rejected"), ("withdrawn", "withdrawn"), ("Withdrawn", "withdrawn")],
)
def test_reimporting_with_status_rejected_or_withdrawn_keeps_that_state_and_releases_the_month(
    store: Store, tmp_path: Path, status: str, state: str
) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("W-1")]))
    queue(store, Month(2027, 1), "W-1", by="comms", now=NOW, schedule=schedule_rule())
    path = write_import(tmp_path / "second.csv", [case_study_row("W-1", status=status,
                        approved_by=None, approved_on=None)])  # fmt: skip
    report = run_import(store, path)
    assert (report.withdrawn, report.withdrawn_as) == ({"W-1": "2027-01"}, {"W-1": state})
    with store.read() as session:
        cs = get_case_study(session, "W-1")
        assert (cs.status, cs.approved_hash, cs.approvals[-1].decision) == (state, None, state)
        assert get_slot(session, Month(2027, 1)) is None
        last = audit_trail(session, "W-1")[-1]
        assert (last.action, last.actor) == (state, "tester")
        assert last.detail["reason"] == f"{status.lower()} by import of {path} row 2"


def test_withdrawing_what_was_already_showcased_is_a_problem(store: Store, tmp_path: Path) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("W-2")]))
    with store.write() as session:
        cs = get_case_study(session, "W-2")
        session.add(MonthlySlot(month="2026-10", case_study_id=cs.id, state="published"))
    path = write_import(tmp_path / "second.json", [case_study_row("W-2", status="rejected",
                        approved_by=None, approved_on=None)])  # fmt: skip
    [problem] = rejection(store, path)
    assert problem.startswith(
        f"{path}:1 W-2 status: is rejected, but W-2 was already showcased in 2026-10"
    )


def test_status_approved_for_a_stored_ref_is_reported_as_ignored(
    store: Store, tmp_path: Path
) -> None:
    first = case_study_row("W-3", status="submitted", approved_by=None, approved_on=None)
    run_import(store, write_import(tmp_path / "first.json", [first]))
    path = write_import(tmp_path / "second.json", [case_study_row("W-3")])
    [warning] = run_import(store, path).warnings
    assert str(warning) == (
        f"{path}:1 W-3 status: approved is ignored for a case study already in the database: "
        "approval happens only through `vignettes approve`"
    )
    with store.read() as session:
        assert get_case_study(session, "W-3").status == "submitted"


def test_reimporting_an_approved_file_unchanged_warns_about_nothing(
    store: Store, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row("W-4")])
    run_import(store, path)
    assert run_import(store, path).warnings == []


@pytest.mark.parametrize("state", ["rejected", "withdrawn"])
def test_a_new_ref_imported_rejected_or_withdrawn_starts_in_that_state(
    store: Store, tmp_path: Path, state: str
) -> None:
    row = case_study_row("W-6", status=state, approved_by=None, approved_on=None)
    run_import(store, write_import(tmp_path / "new.json", [row]))
    with store.read() as session:
        assert get_case_study(session, "W-6").status == state


def test_a_withdrawn_case_study_stays_withdrawn_when_its_text_changes(
    store: Store, tmp_path: Path
) -> None:
    withdrawn = case_study_row("W-5", status="withdrawn", approved_by=None, approved_on=None)
    run_import(store, write_import(tmp_path / "first.json", [withdrawn]))
    edited = {**withdrawn, "summary": "A corrected summary."}
    assert run_import(store, write_import(tmp_path / "second.json", [edited])).updated == ["W-5"]
    with store.read() as session:
        assert get_case_study(session, "W-5").status == "withdrawn"
