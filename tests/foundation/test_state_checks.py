"""Post, slot and engagement-snapshot states are held by CHECK constraints (migration
0009), on both backends, and a database made before them keeps every row on upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from tests.conftest import BACKENDS, NOW
from vignettes.states import PostState, SlotState, SnapshotState
from vignettes.store.db import HEAD_REVISION, MIGRATIONS, current_revision
from vignettes.store.models import CaseStudy, EngagementSnapshot, MonthlySlot, Post
from vignettes.store.queries import Store


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database no migration has touched."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return str(cluster.url(cluster.new_database()))


def made_at_0007(url: str) -> None:
    """The schema as revision 0007 left it, with a published month in it."""
    engine = create_engine(url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.execute(insert(CaseStudy.__table__).values(
            id=1, ref="OLD-1", title="t", organisation="o", library_service="", region="",
            headline="h", summary="s", background="", library_contribution="", outcome="",
            impact_categories=[], quote_text="", quote_attribution="", quote_consent=False,
            link="", hashtags=[], status="approved", content_hash="sha256:x", source="",
            created_at=NOW, updated_at=NOW,
        ))  # fmt: skip
        conn.execute(insert(MonthlySlot.__table__).values(
            id=1, month="2026-10", case_study_id=1, state="published", reason="",
        ))  # fmt: skip
        conn.execute(insert(Post.__table__).values(
            id=1, slot_id=1, case_study_id=1, platform="x", state="posted", content_hash="h",
            text="", attempts=1, reason="", sending_by="", updated_at=NOW,
        ))  # fmt: skip
        conn.execute(insert(EngagementSnapshot.__table__).values(
            id=1, post_id=1, platform="x", offset_label="1d", offset_seconds=86400,
            due_at=NOW, state="taken", unavailable=[], raw={},
            updated_at=NOW,
        ))  # fmt: skip
    engine.dispose()


@pytest.fixture
def upgraded(empty_url: str) -> Iterator[Store]:
    made_at_0007(empty_url)
    store = Store.open(empty_url)
    yield store
    store.close()


def test_an_upgrade_keeps_every_row_and_its_state(upgraded: Store) -> None:
    assert current_revision(upgraded.engine) == HEAD_REVISION  # through every later migration too
    with upgraded.read() as session:
        assert session.scalars(select(MonthlySlot.state)).all() == [SlotState.PUBLISHED]
        assert session.scalars(select(Post.state)).all() == [PostState.POSTED]
        assert session.scalars(select(EngagementSnapshot.state)).all() == [SnapshotState.TAKEN]
        assert session.get(Post, 1) is not None and session.get(Post, 1).slot.month == "2026-10"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "model", [MonthlySlot, Post, EngagementSnapshot], ids=["slot", "post", "snapshot"]
)
def test_a_state_the_code_does_not_know_is_refused(upgraded: Store, model: type) -> None:
    with pytest.raises(IntegrityError), upgraded.write() as session:
        session.execute(update(model).values(state="publsihed"))
    with upgraded.read() as session:  # and nothing changed
        assert session.scalars(select(model.state)).one() in ("published", "posted", "taken")


def test_the_states_are_those_the_documents_name() -> None:
    assert [str(s) for s in PostState] == [
        "pending", "sending", "posted", "unknown", "failed", "needs_reauth",
    ]  # fmt: skip
    assert list(SlotState) == ["planned", "publishing", "published", "partial", "missed", "skipped"]
    assert list(SnapshotState) == ["due", "taken", "skipped", "unavailable"]


def test_an_upgrade_on_sqlite_leaves_foreign_keys_on(upgraded: Store) -> None:
    with upgraded.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
