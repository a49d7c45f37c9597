"""Small helpers for store tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import NOW, schedule_rule
from vignettes.errors import ImportRejected
from vignettes.importing.files import import_file
from vignettes.store.models import Base
from vignettes.store.queries import Store


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove an operation changed nothing."""
    with store.read() as session:
        return {
            table.name: sorted(
                (tuple(str(v) for v in row) for row in session.execute(select(table))),
            )
            for table in Base.metadata.sorted_tables
        }


def run_import(store: Store, path: Path, **kwargs: Any) -> Any:
    return import_file(store, path, now=NOW, actor="tester", schedule=schedule_rule(), **kwargs)


def rejection(store: Store, path: Path) -> list[str]:
    """The problems of an import that must be rejected, checking it wrote nothing."""
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        run_import(store, path)
    assert snapshot(store) == before, "a rejected import must leave the database as it was"
    return caught.value.problems
