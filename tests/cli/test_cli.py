"""The `vignettes` command end to end: messages, JSON and exit codes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tests.cli.conftest import run_subprocess
from tests.conftest import case_study_row, escalate, write_import
from vignettes.content import CHANGED_OUTSIDE
from vignettes.store.queries import Store


def escalated(tmp_path: Path, ref: str) -> None:
    """A peer reviewer escalates `ref` (criteria 1 to 5): what approval needs."""
    store = Store.open(f"sqlite:///{tmp_path / 'var' / 'vignettes.db'}")
    escalate(store, ref)
    store.close()


def test_help_lists_every_command_and_the_exit_codes(tmp_path: Path) -> None:
    result = run_subprocess("--help", cwd=tmp_path)
    assert result.code == 0
    for command in ("import", "list", "show", "approve", "reject", "queue", "unqueue", "plan"):
        assert command in result.out
    assert "78 configuration error" in result.out


def test_a_bad_config_exits_78_listing_each_problem(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[schedule]\ntimezone = "Mars/Base"\nday = "32"\n')
    result = run_subprocess("plan", cwd=tmp_path)
    assert result.code == 78
    assert "schedule.timezone: unknown time zone 'Mars/Base'" in result.err
    assert "schedule.day:" in result.err and "Traceback" not in result.err


def test_a_usage_error_exits_2(tmp_path: Path) -> None:
    assert run_subprocess("queue", "December", "X-1", cwd=tmp_path).code == 2


def test_the_sample_import_then_a_twelve_month_plan(vignettes: Any) -> None:
    assert vignettes("import", "--sample").code == 0
    plan = vignettes("plan", "--json").json()
    assert len(plan) == 12 and plan[0]["month"] == "2026-11"
    assert plan[1]["slot_local"] == "2026-12-01T10:00:00+00:00" and plan[1]["source"] == "auto-pick"
    assert "SLOT (UTC)" in vignettes("plan").out


def test_an_invalid_import_lists_problems_and_writes_nothing(
    vignettes: Any, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "bad.csv", [case_study_row("B-1", link="http://x.example/a")])
    result = vignettes("import", str(path))
    assert result.code == 1
    assert f"{path}:2 B-1 link: must be an https:// link" in result.err
    assert "nothing was imported" in result.err and "Traceback" not in result.err
    assert vignettes("list", "--json").json() == []


def test_approve_queue_unqueue_and_show_through_the_command(vignettes: Any, tmp_path: Path) -> None:
    row = case_study_row("C-1", status="submitted", approved_by=None, approved_on=None)
    vignettes("import", str(write_import(tmp_path / "in.json", [row])))
    assert vignettes("queue", "2027-01", "C-1").code == 1  # not approved yet
    assert vignettes("approve", "C-1", "--by", "Dr Reviewer").code == 1  # not escalated yet
    escalated(tmp_path, "C-1")
    assert vignettes("approve", "C-1", "--by", "Dr Reviewer").code == 0
    assert vignettes("queue", "2027-01", "C-1", "--json").json()["month"] == "2027-01"
    shown = vignettes("show", "C-1", "--json").json()
    assert (shown["status"], shown["month"]) == ("approved", "2027-01")
    assert [e["action"] for e in shown["audit"]] == ["imported", "reviewed", "approved", "queued"]
    assert vignettes("unqueue", "2027-01").code == 0


def test_list_filters_by_status(vignettes: Any) -> None:
    vignettes("import", "--sample")
    submitted = vignettes("list", "--status", "submitted", "--json").json()
    assert {r["ref"] for r in submitted} == {"ICS-2026-005", "ICS-2026-006"}


def test_an_unknown_ref_is_a_clear_error(vignettes: Any) -> None:
    result = vignettes("show", "NOPE-1")
    assert (result.code, result.err.strip()) == (1, "vignettes: no case study 'NOPE-1'")


def test_rejecting_needs_a_reason(vignettes: Any) -> None:
    vignettes("import", "--sample")
    result = vignettes("reject", "ICS-2026-005", "--by", "Dr Reviewer", "--reason", " ")
    assert result.code == 1 and "--reason must say why" in result.err


def test_preview_writes_cards_texts_and_a_page_and_reports_them_as_json(
    vignettes: Any, tmp_path: Path
) -> None:
    vignettes("import", "--sample")
    out = tmp_path / "preview"
    result = vignettes("preview", "ICS-2025-003", "--out", str(out), "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert (out / "preview.html").is_file()
    x = data["platforms"]["x"]
    assert Path(x["png"]).is_file() and x["length"] <= 280
    assert "quote withheld: no consent recorded" in x["warnings"]


def test_preview_of_a_month_uses_that_months_planned_case_study(
    vignettes: Any, tmp_path: Path
) -> None:
    vignettes("import", "--sample")
    planned = vignettes("plan", "--json").json()[1]["ref"]
    result = vignettes("preview", "--month", "2026-12", "--out", str(tmp_path / "p"), "--json")
    assert result.code == 0 and result.json()["ref"] == planned


def test_preview_marks_a_case_study_that_is_not_approved(vignettes: Any, tmp_path: Path) -> None:
    vignettes("import", "--sample")
    result = vignettes("preview", "ICS-2026-006", "--out", str(tmp_path / "p"), "--json")
    assert result.code == 0 and result.json()["approved"] is False
    assert "NOT APPROVED" in (tmp_path / "p" / "preview.html").read_text()


def test_doctor_checks_config_database_fonts_and_outbox(vignettes: Any) -> None:
    result = vignettes("doctor", "--json")
    checks = {c["name"]: c for c in result.json()}
    assert result.code == 0
    assert checks["config"]["ok"] and checks["database"]["ok"]
    assert checks["fonts: RAQM layout"]["ok"]
    assert "outbox mode" in checks["x: outbox"]["message"]


ARABIC = "مكتبة تساعد الأطباء"  # no card font has Arabic: such a case study cannot be posted


def test_approving_what_could_never_be_posted_is_refused_with_the_reason(
    vignettes: Any, tmp_path: Path
) -> None:
    row = case_study_row(
        "AR-1", status="submitted", approved_by=None, approved_on=None, headline=ARABIC
    )
    vignettes("import", str(write_import(tmp_path / "in.json", [row])))
    escalated(tmp_path, "AR-1")
    result = vignettes("approve", "AR-1", "--by", "Dr Reviewer")
    assert result.code == 1 and "Traceback" not in result.err
    assert "AR-1 cannot be approved: it could not be posted" in result.err
    assert "ARABIC LETTER" in result.err
    assert vignettes("show", "AR-1", "--json").json()["status"] == "escalated"


def test_the_plan_flags_a_planned_case_study_that_could_not_be_posted(
    vignettes: Any, tmp_path: Path
) -> None:
    vignettes(
        "import", str(write_import(tmp_path / "in.json", [case_study_row("AR-2", headline=ARABIC)]))
    )
    entry = vignettes("plan", "--json").json()[1]
    assert entry["ref"] == "AR-2" and entry["note"].startswith("AR-2 cannot be posted")
    assert vignettes("queue", "2027-01", "AR-2").code == 1


def test_preview_into_a_file_or_beyond_the_plan_is_a_clear_error(
    vignettes: Any, tmp_path: Path
) -> None:
    vignettes("import", "--sample")
    a_file = tmp_path / "afile"
    a_file.write_text("")
    result = vignettes("preview", "ICS-2025-002", "--out", str(a_file))
    assert (result.code, result.err.strip()) == (
        1,
        f"vignettes: cannot write the preview to {a_file}: it is not a folder",
    )
    far = vignettes("preview", "--month", "2040-01")
    assert far.code == 1 and "beyond the 120 months" in far.err


def test_a_rejected_import_with_json_prints_the_problems_as_json(
    vignettes: Any, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "bad.json", [case_study_row("B-2", headline="")])
    result = vignettes("import", str(path), "--json")
    assert result.code == 1
    # The keys scripts already read (issue 10 adds structured problems and warnings).
    assert {k: result.json()[k] for k in ("source", "rejected", "problems")} == {
        "source": str(path),
        "rejected": True,
        "problems": [f"{path}:1 B-2 headline: is required"],
    }


def test_an_empty_csv_path_is_refused_not_silently_skipped(vignettes: Any) -> None:
    result = vignettes("engagement", "--csv", "")
    assert result.code == 1 and "the file name is empty" in result.err


def test_show_never_calls_content_changed_outside_approved_and_approve_takes_it_as_it_is(
    vignettes: Any, tmp_path: Path, config_path: Path
) -> None:
    vignettes("import", str(write_import(tmp_path / "in.json", [case_study_row("O-1")])))
    with sqlite3.connect(config_path.parent / "var" / "vignettes.db") as db:
        db.execute("UPDATE case_studies SET headline = 'Edited in SQL' WHERE ref = 'O-1'")
    first_line = vignettes("show", "O-1").out.splitlines()[0]
    assert first_line.startswith(
        f"O-1  [approved; {CHANGED_OUTSIDE}: not sent until approved again]"
    )
    assert vignettes("show", "O-1", "--json").json()["approval_current"] is False
    assert vignettes("approve", "O-1", "--by", "Dr Reviewer").code == 0  # as it now stands
    shown = vignettes("show", "O-1", "--json").json()
    assert (shown["approval_current"], shown["changed_outside"]) == (True, False)
    assert [e["action"] for e in shown["audit"]][-2:] == ["changed_outside", "approved"]


WIDEST = ("WWWWWWWWWWWW " * 10)[:90].strip()  # a headline at its limit, of the widest letter


def test_a_headline_within_its_limit_that_no_card_can_hold_is_refused_at_approval(
    vignettes: Any, tmp_path: Path
) -> None:
    row = case_study_row("WD-1", status="submitted", approved_by=None, approved_on=None,
                         headline=WIDEST)  # fmt: skip
    assert vignettes("import", str(write_import(tmp_path / "in.json", [row]))).code == 0
    result = vignettes("approve", "WD-1", "--by", "Dr Reviewer")
    assert result.code == 1 and "Traceback" not in result.err
    assert "WD-1 cannot be approved: it could not be posted" in result.err
    assert "headline does not fit on the card" in result.err
