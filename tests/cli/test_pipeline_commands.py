"""The pipeline from the command line, with the console's rules: services, an account
submitting and reviewing (`--by` must name one), invitations, and `list`/`show --json`
carrying the state, the library service and the latest review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import case_study_row, write_import

PASSWORD = "a long enough passphrase"


def add(vignettes: Any, monkeypatch: Any, name: str, role: str, service: str) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    done = vignettes("user", "add", name, "--role", role, "--email", f"{name}@nhs.example",
                     "--service", service, "--password-stdin")  # fmt: skip
    assert done.code == 0, done.err


def test_services_are_added_and_listed(vignettes: Any) -> None:
    assert vignettes("services", "add", "Fellside Library", "--region", "North West",
                     "--organisation", "Fellside Trust").code == 0  # fmt: skip
    listed = vignettes("services", "list", "--json").json()
    assert listed == [{"name": "Fellside Library", "organisations": ["Fellside Trust"],
                       "region": "North West", "case_studies": 0}]  # fmt: skip


def test_an_import_adds_unknown_services_and_its_dry_run_lists_them(
    vignettes: Any, tmp_path: Path
) -> None:
    path = write_import(
        tmp_path / "in.json", [case_study_row("I-1", library_service="Newtown LKS")]
    )
    assert vignettes("import", str(path), "--dry-run", "--json").json()["new_services"] == [
        "Newtown LKS"
    ]
    assert vignettes("services", "list", "--json").json() == []
    vignettes("import", str(path))
    assert [s["name"] for s in vignettes("services", "list", "--json").json()] == ["Newtown LKS"]


def test_submit_and_review_act_as_the_named_account(
    vignettes: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    row = case_study_row("C-1", status=None, approved_by=None, approved_on=None)
    vignettes("import", str(write_import(tmp_path / "in.json", [row])))
    vignettes("services", "add", "Southdown LKS", "--region", "South East")
    add(vignettes, monkeypatch, "rob", "reviewer", "Northmoor Healthcare Library")
    add(vignettes, monkeypatch, "rita", "reviewer", "Southdown LKS")
    review = ("review", "C-1", "--met", "1,2,3,4,5", "--decision", "accept")
    assert "there is no account" in vignettes(*review, "--by", "nobody").err
    own = vignettes(*review, "--by", "rob")
    assert own.code == 1 and "never reviews their own service" in own.err
    assert vignettes(*review, "--by", "rita").code == 0
    shown = vignettes("show", "C-1", "--json").json()
    assert (shown["state"], shown["library_service"]) == (
        "escalated",
        "Northmoor Healthcare Library",
    )
    latest = vignettes("list", "--status", "escalated", "--json").json()[0]["latest_review"]
    assert (latest["decision"], latest["by"], latest["criteria"]["5"]["met"]) == (
        "accept",
        "rita",
        True,
    )


def test_an_invitation_prints_a_one_time_link(vignettes: Any) -> None:
    vignettes("services", "add", "Fellside Library", "--region", "North West")
    invited = vignettes("user", "invite", "New.Person@NHS.example", "--role", "contributor",
                        "--service", "Fellside Library", "--json").json()  # fmt: skip
    assert invited["email"] == "new.person@nhs.example"
    assert "/invitation/" in invited["link"] and invited["services"] == ["Fellside Library"]
