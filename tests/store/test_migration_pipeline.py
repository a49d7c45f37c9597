"""Migration 0010 (the pipeline) on a database the previous release made, on SQLite and
PostgreSQL: every case study keeps its state, approval and history, and gains a library
service from the directory the migration builds out of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from tests.conftest import BACKENDS
from tests.pgcluster import Cluster
from tests.store.previous_release import (
    APPROVED_AT,
    NORTHMOOR,
    SOUTHDOWN,
    T0,
    database_at,
    seed_previous_release,
)
from vignettes.store.account_models import User
from vignettes.store.db import HEAD_REVISION, current_revision
from vignettes.store.models import Approval, AuditEvent, CaseStudy
from vignettes.store.pipeline_models import LibraryService, user_services
from vignettes.store.queries import Store


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'previous.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.new_database())


@pytest.fixture
def migrated(empty_url: str) -> Iterator[Store]:
    engine = database_at(empty_url, "0007")
    seed_previous_release(engine)
    engine.dispose()
    store = Store.open(empty_url)
    yield store
    store.close()


def _by_ref(store: Store) -> dict[str, CaseStudy]:
    with store.read() as session:
        return {cs.ref: cs for cs in session.scalars(select(CaseStudy))}


def test_the_previous_release_database_reaches_the_newest_revision(migrated: Store) -> None:
    assert current_revision(migrated.engine) == HEAD_REVISION


def test_every_state_and_approval_is_kept_and_a_posted_one_is_showcased(migrated: Store) -> None:
    found = _by_ref(migrated)
    states = {ref: cs.status for ref, cs in found.items()}
    assert states == {
        "ICS-1": "submitted",
        "ICS-2": "approved",
        "ICS-3": "showcased",
        "ICS-4": "rejected",
        "ICS-5": "submitted",
    }
    assert found["ICS-2"].approval_is_current and found["ICS-3"].approval_is_current
    assert found["ICS-2"].approved_by == "Priya Shah"
    assert found["ICS-2"].approved_at is not None
    assert found["ICS-2"].approved_at.replace(tzinfo=None) == APPROVED_AT


def test_approvals_and_the_audit_trail_are_kept_row_for_row(migrated: Store) -> None:
    with migrated.read() as session:
        decisions = list(session.scalars(select(Approval.decision).order_by(Approval.id)))
        imported = session.scalar(select(func.count()).select_from(AuditEvent))
    assert decisions == ["approved", "approved", "rejected", "approved", "voided"]
    assert imported == 5


def test_each_library_service_named_becomes_a_directory_entry(migrated: Store) -> None:
    with migrated.read() as session:
        services = {s.name: s for s in session.scalars(select(LibraryService))}
    assert sorted(services) == [NORTHMOOR, SOUTHDOWN]
    assert services[NORTHMOOR].organisations == ["Fellside Trust", "Northmoor Trust"]
    assert services[NORTHMOOR].region == "North West"  # two of its three case studies
    assert services[SOUTHDOWN].region == "South East"


def test_case_studies_are_linked_to_their_service_and_dated(migrated: Store) -> None:
    found = _by_ref(migrated)
    with migrated.read() as session:
        ids = {s.name: s.id for s in session.scalars(select(LibraryService))}
    assert found["ICS-1"].library_service_id == ids[NORTHMOOR]
    assert found["ICS-3"].library_service_id == ids[SOUTHDOWN]
    assert found["ICS-4"].library_service_id is None  # it named none
    assert all(cs.submitted_at and cs.submitted_at.replace(tzinfo=None) == T0
               for cs in found.values())  # fmt: skip
    assert found["ICS-2"].accepted_at is not None and found["ICS-1"].accepted_at is None


def test_accounts_keep_their_role_and_sessions_and_have_no_email_yet(migrated: Store) -> None:
    with migrated.read() as session:
        users = {u.name: u for u in session.scalars(select(User))}
        assert session.scalar(select(func.count()).select_from(user_services)) == 0
    assert {n: u.role for n, u in users.items()} == {"priya": "admin", "sam": "editor"}
    assert users["priya"].session_epoch == 3
    assert users["priya"].email is None and users["priya"].submission_emails == "immediate"


def test_the_migrated_schema_refuses_a_state_the_pipeline_does_not_know(migrated: Store) -> None:
    with pytest.raises(IntegrityError), migrated.write() as session:
        session.execute(update(CaseStudy).where(CaseStudy.ref == "ICS-1").values(status="lost"))
    assert _by_ref(migrated)["ICS-1"].status == "submitted"


def test_sqlite_enforces_foreign_keys_again_after_the_migration(tmp_path: Path) -> None:
    # The rebuild of a referenced table runs with them off (SQLite allows no other way).
    url = f"sqlite:///{tmp_path / 'previous.db'}"
    engine = database_at(url, "0007")
    seed_previous_release(engine)
    engine.dispose()
    store = Store.open(url)
    with pytest.raises(IntegrityError), store.write() as session:
        session.execute(update(CaseStudy).values(library_service_id=999))
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()
