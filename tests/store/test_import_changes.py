"""A re-import records what it changed, field by field, in a bounded audit line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import case_study_row, write_import
from tests.store.helpers import run_import
from vignettes.changes import EXCERPT, excerpts
from vignettes.store.queries import Store, audit_trail


def test_a_re_import_records_the_old_and_new_value_of_each_changed_field(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_import(tmp_path / "a.json", [case_study_row("C-1")]))
    changed = case_study_row(
        "C-1", region="North East", hashtags=["Evidence", "NHSLibraries"], time_saved_hours=4
    )
    run_import(store, write_import(tmp_path / "b.json", [changed]))
    with store.read() as session:
        updated = [e for e in audit_trail(session, "C-1") if e.action == "updated"]
    assert [e.detail["changes"] for e in updated] == [
        {
            "region": {"old": "North West", "new": "North East"},
            "time_saved_hours": {"old": None, "new": 4.0},
            "hashtags": {"old": ["Evidence"], "new": ["Evidence", "NHSLibraries"]},
        }
    ]


def test_a_long_text_keeps_an_excerpt_around_its_first_difference(
    store: Store, tmp_path: Path
) -> None:
    before = "The ward asked the library. " * 70  # 1,960 characters
    after = before[:1500] + "A change near the end. " + before[1500:1900]
    run_import(store, write_import(tmp_path / "a.json", [case_study_row("C-2", outcome=before)]))
    run_import(store, write_import(tmp_path / "b.json", [case_study_row("C-2", outcome=after)]))
    with store.read() as session:
        line = next(e for e in audit_trail(session, "C-2") if e.action == "updated")
    change = line.detail["changes"]["outcome"]
    assert "A change near the end." in change["new"]
    assert change["old"].startswith("…") and change["old"].endswith("…")
    assert all(len(v) <= EXCERPT + 2 for v in change.values())
    assert len(json.dumps(line.detail)) < 1000


def test_short_texts_are_kept_whole() -> None:
    assert excerpts("Evidence helped", "Evidence helps") == ("Evidence helped", "Evidence helps")
