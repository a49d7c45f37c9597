"""Migration 0011 (single sign-on) on a database made at the revision before it: every
account is kept as it was, unbound, and one provider identity can bind one account only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import BACKENDS
from tests.pgcluster import Cluster
from vignettes.store.db import MIGRATIONS, current_revision
from vignettes.store.queries import Store

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=BACKENDS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database (no migration has run)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.new_database())


def made_at_0007(url: str) -> None:
    engine = create_engine(url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.execute(
            text(
                "INSERT INTO users (name, role, password_hash, must_change_password,"
                " session_epoch, password_changed_at, created_at, updated_at)"
                " VALUES ('priya', 'admin', 'argon2-hash', false, 3, :t, :t, :t)"
            ),
            {"t": WHEN.isoformat() if url.startswith("sqlite") else WHEN},
        )
    engine.dispose()


def test_accounts_made_before_single_sign_on_are_kept_and_unbound(blank_url: str) -> None:
    made_at_0007(blank_url)
    store = Store.open(blank_url)  # migrates to the head
    assert current_revision(store.engine) == "0011"
    with store.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT name, role, password_hash, session_epoch, sso_issuer, sso_subject"
                " FROM users"
            )
        ).one()
    assert tuple(row) == ("priya", "admin", "argon2-hash", 3, None, None)
    store.close()


def test_one_provider_identity_binds_one_account_only(blank_url: str) -> None:
    made_at_0007(blank_url)
    store = Store.open(blank_url)
    bind = "UPDATE users SET sso_issuer = 'https://idp', sso_subject = 'abc' WHERE name = :n"
    copy = (
        "INSERT INTO users (name, role, password_hash, must_change_password, session_epoch,"
        " password_changed_at, created_at, updated_at) SELECT 'sam', role, password_hash,"
        " must_change_password, 0, password_changed_at, created_at, updated_at FROM users"
    )
    with store.engine.begin() as conn:
        conn.execute(text(copy))
        conn.execute(text(bind), {"n": "priya"})
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text(bind), {"n": "sam"})
    store.close()
