"""A Workspace on a real database (SQLite and PostgreSQL) with the test clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.clock import FakeClock
from scheduler.config import parse_config
from scheduler.operations.actor import Actor
from scheduler.operations.content.importing import import_case_studies
from scheduler.operations.context import Workspace
from tests.conftest import NOW, case_study_row, seed_directory, write_import

CLI = Actor("tester", "cli")


@pytest.fixture
def ws(db_url: str, tmp_path: Path) -> Iterator[Workspace]:
    config = parse_config(
        {
            "database": {"url": db_url},
            "daemon": {"var_dir": str(tmp_path / "var")},
            "cards": {"output_dir": str(tmp_path / "cards")},
        },
        tmp_path / "config.toml",
    )
    workspace = Workspace(config=config, clock=FakeClock(NOW))
    seed_directory(workspace.store)
    yield workspace
    workspace.close()


def load(ws: Workspace, tmp_path: Path, *rows: dict[str, Any]) -> None:
    import_case_studies(ws, CLI, write_import(tmp_path / "in.json", list(rows)))


def approved(ref: str, **overrides: Any) -> dict[str, Any]:
    return case_study_row(ref, organisation=f"Org {ref}", **overrides)
