"""Four eyes: in the console, nobody approves a case study they imported, added or last
changed (`[web] four_eyes`, on by default); the CLI's self-declared `--by` is not held to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.clock import FakeClock
from scheduler.config import parse_config
from scheduler.operations.actor import Actor
from scheduler.operations.content.approval import approve
from scheduler.operations.content.case_studies import case_study
from scheduler.operations.content.editing import edit_case_study, fields_of
from scheduler.operations.content.importing import import_case_studies
from scheduler.operations.context import Workspace
from tests.conftest import NOW, case_study_row, escalate, seed_directory, write_import
from vignettes.errors import ApprovalError

ED = Actor("ed", "web", "editor")
PRIYA = Actor("priya", "web", "approver")
OMAR = Actor("omar", "web", "approver")


def web_import(ws: Workspace, tmp_path: Path, by: Actor, ref: str) -> None:
    row = case_study_row(ref, status=None, approved_by=None, approved_on=None)
    import_case_studies(ws, by, write_import(tmp_path / f"{ref}.json", [row]))


def change_title(ws: Workspace, by: Actor, ref: str, title: str) -> None:
    detail = case_study(ws, ref)
    edit_case_study(ws, by, ref, {**fields_of(detail.content, None), "title": title})


def test_an_approver_cannot_approve_what_they_imported(ws: Workspace, tmp_path: Path) -> None:
    web_import(ws, tmp_path, PRIYA, "FE-1")
    escalate(ws.store, "FE-1")
    with pytest.raises(ApprovalError, match="cannot be approved by priya, who imported it"):
        approve(ws, PRIYA, "FE-1")
    assert approve(ws, OMAR, "FE-1").status == "approved"


def test_nor_what_they_last_changed_though_someone_else_imported_it(
    ws: Workspace, tmp_path: Path
) -> None:
    web_import(ws, tmp_path, ED, "FE-2")
    change_title(ws, OMAR, "FE-2", "A clearer title")
    escalate(ws.store, "FE-2")
    with pytest.raises(ApprovalError, match="omar, who last changed it: with four eyes"):
        approve(ws, OMAR, "FE-2")
    change_title(ws, ED, "FE-2", "A clearer title, again")
    escalate(ws.store, "FE-2")  # the change sent it back to submitted
    assert approve(ws, OMAR, "FE-2").status == "approved"  # ed changed it last


def test_the_cli_names_itself_so_four_eyes_holds_for_console_sign_ins_only(
    ws: Workspace, tmp_path: Path
) -> None:
    web_import(ws, tmp_path, PRIYA, "FE-3")
    escalate(ws.store, "FE-3")
    assert approve(ws, Actor("priya", "cli"), "FE-3").status == "approved"


@pytest.fixture
def one_person_team(db_url: str, tmp_path: Path) -> Iterator[Workspace]:
    data = {
        "database": {"url": db_url},
        "daemon": {"var_dir": str(tmp_path / "var")},
        "web": {"four_eyes": False},
    }
    workspace = Workspace(config=parse_config(data, tmp_path / "c.toml"), clock=FakeClock(NOW))
    seed_directory(workspace.store)
    yield workspace
    workspace.close()


def test_a_one_person_team_turns_it_off(one_person_team: Workspace, tmp_path: Path) -> None:
    web_import(one_person_team, tmp_path, PRIYA, "FE-4")
    escalate(one_person_team.store, "FE-4")
    assert approve(one_person_team, PRIYA, "FE-4").status == "approved"
