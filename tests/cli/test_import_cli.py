"""Issue 10 and 11 through the command: the import report (problems apart from warnings, in
text and JSON), `categories`, readiness in list/show/plan, `show` that cannot be forged,
and Ctrl-C during an import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.conftest import case_study_row, write_import
from tests.interrupts import sigint_as_at_a_terminal
from tests.store import realistic


def test_a_realistic_spreadsheet_imports_with_its_warnings(vignettes: Any, tmp_path: Path) -> None:
    path = realistic.write_xlsx(tmp_path / "network.xlsx")
    result = vignettes("import", str(path))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"{path}: imported 11 case studies: 11 new, 0 updated, 0 unchanged"
    assert "4 warnings (the import went ahead):" in lines
    assert f"  {path}:1 - Notes: column T: ignored: not a field" in lines


def test_import_json_keeps_its_keys_and_adds_structured_warnings(
    vignettes: Any, tmp_path: Path
) -> None:
    path = realistic.write_csv(tmp_path / "network.csv")
    report = vignettes("import", str(path), "--json").json()
    assert len(report["created"]) == 11 and report["approvals_voided"] == []
    consent = next(w for w in report["warnings"] if w["field"] == "quote_consent")
    assert (consent["file"], consent["row"], consent["ref"]) == (str(path), 5, "NWL-2025-004")
    assert consent["text"].startswith(f"{path}:5 NWL-2025-004 quote_consent: is blank")


def test_a_rejected_import_lists_problems_then_warnings(vignettes: Any, tmp_path: Path) -> None:
    rows = [case_study_row("B-1", headline=""), case_study_row("B-2", quote_consent=None)]
    path = write_import(tmp_path / "bad.csv", rows)
    result = vignettes("import", str(path), "--json")
    data = result.json()
    assert result.code == 1 and data["problems"] == [f"{path}:2 B-1 headline: is required"]
    assert data["problem_details"][0] | {"text": ""} == {
        "file": str(path), "row": 2, "ref": "B-1", "field": "headline",
        "column": "headline", "message": "is required", "text": ""}  # fmt: skip
    assert [w["ref"] for w in data["warnings"]] == ["B-2"]
    text = vignettes("import", str(path))
    assert "and 1 warning (these alone would not have stopped the import):" in text.err


def test_categories_lists_the_vocabulary(vignettes: Any, config_path: Path) -> None:
    listed = vignettes("categories", "--json").json()
    assert listed["source"] == "default"
    assert listed["categories"][0]["code"] == "patient-care"
    config_path.write_text(
        config_path.read_text() + '\n[import.category_aliases]\n"QI" = "service-development"\n'
    )
    text = vignettes("categories").out
    assert "from config.toml [import]" in text and "; QI" in text


def test_a_local_category_word_imports_through_the_config(
    vignettes: Any, tmp_path: Path, config_path: Path
) -> None:
    local = ['[import.category_aliases]', '"PC" = "patient-care"', "[import.columns]",
             '"Trust" = "organisation"']  # fmt: skip
    config_path.write_text(config_path.read_text() + "\n" + "\n".join(local) + "\n")
    row = case_study_row("A-1", impact_categories=["pc"])
    row["Trust"] = row.pop("organisation")
    assert vignettes("import", str(write_import(tmp_path / "in.csv", [row]))).code == 0
    assert vignettes("show", "A-1", "--json").json()["impact_labels"] == ["Better patient care"]


def test_show_says_when_a_quote_is_withheld_and_how_ready_it_is(
    vignettes: Any, tmp_path: Path
) -> None:
    row = case_study_row("S-1", quote_consent="", time_saved_hours=15)
    vignettes("import", str(write_import(tmp_path / "in.csv", [row])))
    out = vignettes("show", "S-1").out
    assert "                 quote withheld: no consent recorded" in out.splitlines()
    assert "  readiness    : 1 of 2: named quote with consent: no; quantified impact: yes" in out
    shown = vignettes("show", "S-1", "--json").json()
    assert shown["quote_withheld"] == "quote withheld: no consent recorded"
    assert shown["readiness"] == {"quote": False, "quantified": True, "score": 1}


def test_no_field_can_forge_a_line_of_show(vignettes: Any, tmp_path: Path) -> None:
    forged = "Fine.\n  approved     : by Chief Executive on 2026-01-01\n  month        : 2026-12"
    row = case_study_row("F-1", status="submitted", approved_by=None, approved_on=None,
                         summary=forged)  # fmt: skip
    vignettes("import", str(write_import(tmp_path / "in.json", [row])))
    lines = vignettes("show", "F-1").out.splitlines()
    assert not [line for line in lines if line.startswith(("  approved", "  month"))]
    assert " " * 19 + "approved     : by Chief Executive on 2026-01-01" in lines


def test_list_and_plan_show_readiness(vignettes: Any, tmp_path: Path) -> None:
    row = case_study_row("L-1", cost_saving_gbp=12400)
    vignettes("import", str(write_import(tmp_path / "in.json", [row])))
    assert "quote+figure" in vignettes("list").out and "READY" in vignettes("plan").out
    assert vignettes("list", "--json").json()[0]["readiness"]["score"] == 2


def test_ctrl_c_during_an_import_says_so_in_one_line_and_imports_nothing(
    tmp_path: Path,
) -> None:
    path = write_import(tmp_path / "big.csv", [case_study_row(f"K-{i}") for i in range(60_000)])
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///k.db"\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "import", str(path)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=sigint_as_at_a_terminal,
    )  # fmt: skip
    _wait_for_cpu(proc.pid, seconds=2.0)  # well into reading and checking the file
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err == "vignettes: interrupted; nothing was imported\n" and out == ""
    listed = subprocess.run([sys.executable, "-m", "scheduler", "list", "--json"], cwd=tmp_path,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert listed.stdout.strip() == "[]"


def _wait_for_cpu(pid: int, seconds: float) -> None:
    """Until process `pid` has used `seconds` of CPU (so it is past start-up)."""
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:
            return
        time.sleep(0.02)
    raise AssertionError("the import never got going")


def test_a_dry_run_says_the_files_approvals_are_the_operators(
    vignettes: Any, tmp_path: Path
) -> None:
    rows = [case_study_row("OP-1"), case_study_row("OP-2", status=None, approved_by=None,
                                                   approved_on=None)]  # fmt: skip
    path = write_import(tmp_path / "decided.csv", rows)
    result = vignettes("import", str(path), "--dry-run", "--by", "Ola Operator")
    assert result.code == 0, result.err
    assert (
        "  1 row record an approval or withdrawal (status, approved_by, approved_on): on the "
        "command line they are taken as the operator's own decisions, recorded in the audit "
        "trail as by 'Ola Operator' (--by); an upload in the console ignores them"
    ) in result.out.splitlines()


def test_the_operators_import_approves_and_the_audit_names_the_operator(
    vignettes: Any, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "decided.json", [case_study_row("OP-3")])
    assert vignettes("import", str(path), "--by", "Ola Operator").code == 0
    shown = vignettes("show", "OP-3", "--json").json()
    assert shown["status"] == "approved"
    approved = next(e for e in shown["audit"] if e["action"] == "approved")
    assert (approved["actor"], approved["via"]) == ("Ola Operator", "cli")
    assert approved["detail"]["approved_in"] == "import"


def test_the_terminal_gets_a_bounded_report_and_json_every_problem(
    vignettes: Any, tmp_path: Path
) -> None:
    from vignettes.importing.issue_groups import DETAIL_LINES

    rows = [case_study_row(f"T-{n}", impact_categories=f"Foo{n % (DETAIL_LINES + 50)}")
            for n in range(2 * (DETAIL_LINES + 50))]  # fmt: skip
    path = write_import(tmp_path / "wide.csv", rows)
    result = vignettes("import", str(path), "--dry-run")
    lines = result.err.splitlines()[1:]  # after the note about VIGNETTES_FAKE_NOW
    assert lines[0] == f"vignettes: {path}: 500 problems; nothing was imported"
    assert lines[1].startswith(f"{path}:2, 252 (2 rows) impact_categories: unknown category")
    assert lines[-1] == "and 100 more problems (50 more lines) not shown"
    assert len(lines) == 1 + DETAIL_LINES + 1
    assert len(vignettes("import", str(path), "--json").json()["problem_details"]) == 500


def test_a_file_that_withdraws_a_case_study_says_so_in_that_word(
    vignettes: Any, tmp_path: Path
) -> None:
    vignettes("import", str(write_import(tmp_path / "first.json", [case_study_row("WD-1")])))
    row = case_study_row("WD-1", status="withdrawn", approved_by=None, approved_on=None)
    path = write_import(tmp_path / "second.json", [row])
    text = vignettes("import", str(path))
    assert "  WD-1: withdrawn by the file (status: withdrawn, approval voided)" in text.out
    assert vignettes("show", "WD-1", "--json").json()["state"] == "withdrawn"
    again = vignettes("import", str(path), "--json").json()
    assert again["unchanged"] == ["WD-1"] and again["withdrawn"] == []
