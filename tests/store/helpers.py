"""Small helpers for store tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vignettes.models import Base
from vignettes.store import Store


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove an operation changed nothing."""
    with store.read() as session:
        return {
            table.name: sorted(
                (tuple(str(v) for v in row) for row in session.execute(select(table))),
            )
            for table in Base.metadata.sorted_tables
        }
