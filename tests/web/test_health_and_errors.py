"""GET /healthz follows the database; error pages are the design system's, with no
detail of what went wrong inside."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Blueprint

from scheduler.web.frontend import Frontend
from scheduler.web.guards import public
from tests.conftest import BACKENDS, case_study_row
from tests.pgcluster import Cluster
from tests.web.conftest import Console, make_console
from tests.web.content import load

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/vignettes?connect_timeout=2"


def test_healthz_answers_200_while_the_database_answers(
    tmp_path: Path, frontend: Frontend, db_url: str
) -> None:
    console = make_console(tmp_path, frontend, db_url=db_url)
    response = console.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")
    console.ws.close()


def test_healthz_answers_503_when_the_database_cannot_be_reached(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, db_url=UNREACHABLE)
    response = console.get("/healthz")
    assert (response.status_code, response.text) == (503, "database unreachable\n")
    assert "nobody" not in response.text and "127.0.0.1" not in response.text


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL backend not selected")
def test_healthz_turns_503_when_the_database_goes_away(
    tmp_path: Path, frontend: Frontend, pg_cluster: Cluster
) -> None:
    name = pg_cluster.new_database(template=pg_cluster.template)  # type: ignore[attr-defined]
    console = make_console(tmp_path, frontend, db_url=pg_cluster.url(name))
    assert console.get("/healthz").status_code == 200
    pg_cluster.execute(f"DROP DATABASE {name} WITH (FORCE)")
    assert console.get("/healthz").status_code == 503
    console.ws.close()


def _move_away(db: Path) -> None:
    db.rename(db.with_name("elsewhere.db"))


def _replace(db: Path) -> None:
    _move_away(db)
    sqlite3.connect(db).close()  # an empty SQLite database in its place


def _zero(db: Path) -> None:
    os.truncate(db, 0)


@pytest.mark.parametrize("fault", [_move_away, _replace, _zero])
def test_a_database_file_moved_replaced_or_zeroed_is_503_and_never_old_data(
    console: Console, fault: Callable[[Path], None]
) -> None:
    load(console, case_study_row("OLD-1"))
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    for page in ("/", "/case-studies", "/case-studies/OLD-1", "/plan"):
        assert console.get(page).status_code == 200  # every read model now remembered
    fault(console.ws.config_path.parent / "vignettes.db")
    assert console.get("/healthz").status_code == 503
    for page in ("/", "/case-studies", "/case-studies/OLD-1", "/plan"):
        shown = console.get(page)
        assert shown.status_code == 503, page
        assert "OLD-1" not in shown.text and "Sorry, the service is unavailable" in shown.text


def test_healthz_reads_a_real_table_not_just_select_1(console: Console) -> None:
    assert console.get("/healthz").status_code == 200
    with sqlite3.connect(console.ws.config_path.parent / "vignettes.db") as other:
        other.execute("ALTER TABLE users RENAME TO users_gone")
    assert console.get("/healthz").status_code == 503


def test_signing_in_while_the_database_is_down_shows_the_unavailable_page(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, db_url=UNREACHABLE)
    assert console.get("/login").status_code == 200
    page = console.sign_in("priya")
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.text and "nobody" not in page.text


def test_an_unknown_page_is_the_page_not_found_page(console: Console) -> None:
    page = console.get("/no/such/page")
    assert page.status_code == 404
    assert "<h1>Page not found</h1>" in page.text and 'class="nhsuk-header' in page.text
    assert "Go to the sign-in page" in page.text


def test_a_crash_shows_the_service_problem_page_without_the_exception(
    tmp_path: Path, frontend: Frontend
) -> None:
    crashing = Blueprint("crash", __name__)

    @crashing.get("/crash")
    @public
    def crash() -> str:
        raise RuntimeError("secret internals: token=abc123456789")

    console = make_console(tmp_path, frontend, blueprints=[crashing])
    page = console.get("/crash")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    console.ws.close()


def test_a_body_over_the_upload_limit_is_refused_with_the_limit(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, upload_limit="1KB")
    page = console.client.post("/login", data={"username": "x" * 200_000})
    assert page.status_code == 413
    assert "The largest file you can upload is 1 KB." in page.text
    console.ws.close()
