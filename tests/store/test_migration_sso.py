"""Migration 0011 (single sign-on) on a database made at the revision before it (0010, the
pipeline): every account is kept as it was, unbound, with its email address and the
pipeline's checks; one provider identity can bind one account only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import BACKENDS
from tests.pgcluster import Cluster
from tests.store.previous_release import database_at
from vignettes.store.db import HEAD_REVISION, current_revision
from vignettes.store.queries import Store

WHEN = dt.datetime(2026, 11, 1, 9, 0)  # naive UTC, as UTCDateTime stores it
ADD_USER = (
    "INSERT INTO users (name, role, password_hash, must_change_password, session_epoch,"
    " email, submission_emails, password_changed_at, created_at, updated_at)"
    " VALUES (:name, :role, 'argon2-hash', false, 3, :email, 'daily', :t, :t, :t)"
)


@pytest.fixture(params=BACKENDS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database (no migration has run)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.new_database())


def made_at_0010(url: str) -> Store:
    """Priya's account as revision 0010 wrote it, then the store opened (so migrated)."""
    engine = database_at(url, "0010")
    with engine.begin() as conn:
        conn.execute(
            text(ADD_USER), {"name": "priya", "role": "admin", "email": "priya@nhs.net", "t": WHEN}
        )
    engine.dispose()
    return Store.open(url)


def test_accounts_made_before_single_sign_on_are_kept_and_unbound(blank_url: str) -> None:
    store = made_at_0010(blank_url)
    assert current_revision(store.engine) == HEAD_REVISION  # through every later migration too
    with store.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT name, role, password_hash, session_epoch, email, submission_emails,"
                " sso_issuer, sso_subject FROM users"
            )
        ).one()
    assert tuple(row) == (
        "priya",
        "admin",
        "argon2-hash",
        3,
        "priya@nhs.net",
        "daily",
        None,
        None,
    )
    store.close()


def test_the_pipeline_checks_on_accounts_survive_the_table_copy(blank_url: str) -> None:
    # SQLite rebuilds the table to add the constraint: the role check and the unique
    # email address made at 0010 must come through it.
    store = made_at_0010(blank_url)
    for name, role, email in (
        ("sam", "overlord", "sam@nhs.net"),
        ("sam", "admin", "priya@nhs.net"),
    ):
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(text(ADD_USER), {"name": name, "role": role, "email": email, "t": WHEN})
    store.close()


def test_one_provider_identity_binds_one_account_only(blank_url: str) -> None:
    store = made_at_0010(blank_url)
    bind = "UPDATE users SET sso_issuer = 'https://idp', sso_subject = 'abc' WHERE name = :n"
    with store.engine.begin() as conn:
        conn.execute(text(ADD_USER), {"name": "sam", "role": "viewer", "email": None, "t": WHEN})
        conn.execute(text(bind), {"n": "priya"})
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text(bind), {"n": "sam"})
    store.close()
