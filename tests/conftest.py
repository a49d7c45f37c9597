"""Shared fixtures and small builders.

The `store` fixture runs each store test against SQLite (a real file) and a real PostgreSQL
server (a throwaway cluster started once per session). `VIGNETTES_TEST_BACKENDS=sqlite`
lets a developer without PostgreSQL run SQLite alone; CI always runs both.
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import profiles

from scheduler.clock import FakeClock
from scheduler.config import ScheduleConfig, SelectionConfig
from scheduler.credentials.secrets import Secrets
from scheduler.operations.accounts import passwords
from tests.emulator import Emulator
from tests.pgcluster import Cluster, running_cluster
from tests.sso_provider import Provider
from vignettes.store.queries import Store

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # the emulator suites' clock start
# Credentials the emulator accepts; tests scan logs for these values (invariant 6).
SECRET_VALUES = {
    "VIGNETTES_X_API_KEY": "test-x-api-key",
    "VIGNETTES_X_API_SECRET": "test-x-api-secret",
    "VIGNETTES_X_ACCESS_TOKEN": "test-x-access-token",
    "VIGNETTES_X_ACCESS_SECRET": "test-x-access-secret",
    "VIGNETTES_LINKEDIN_ACCESS_TOKEN": "test-li-access-token",
    "VIGNETTES_LINKEDIN_CLIENT_ID": "test-li-client",
    "VIGNETTES_LINKEDIN_CLIENT_SECRET": "test-li-client-secret",
    "VIGNETTES_BLUESKY_APP_PASSWORD": "bsky-test-app0-pass",
}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ("sqlite", "postgresql")
if not IN_CI and os.environ.get("VIGNETTES_TEST_BACKENDS"):
    BACKENDS = tuple(b.strip() for b in os.environ["VIGNETTES_TEST_BACKENDS"].split(","))


def pytest_report_header() -> str:
    return f"store backends: {', '.join(BACKENDS)}"


# Sign-ins by the hundred: argon2's cheapest parameters in this process (the program's own,
# RFC 9106's low-memory profile, cost about half a second a hash on a busy machine).
# Commands run as subprocesses, and `program_hashing`, use the program's own.
passwords.use_parameters(profiles.CHEAPEST)


_migrated: list[Path] = []
_SYSTEM_TEMP = tempfile.gettempdir()  # before any test has its own


@pytest.fixture(autouse=True)
def own_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test's temporary files (`tempfile`, and `$TMPDIR` for the commands it runs)
    in a folder of its own, so a test that looks at temporary files sees only its own,
    however many workers or suites run beside it."""
    folder = tmp_path_factory.mktemp("tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(folder))
        patch.setenv("TMPDIR", str(folder))
        yield folder


def migrated_sqlite(path: Path) -> str:
    """The URL of a new SQLite database at `path`: a copy of one migrated once per process
    (migrating a database afresh for every test cost about a tenth of a second each)."""
    if not _migrated:
        folder = Path(tempfile.mkdtemp(prefix="vignettes-template-", dir=_SYSTEM_TEMP))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "migrated.db"
        Store.open(f"sqlite:///{template}").close()
        with sqlite3.connect(template) as connection:  # everything in the main file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _migrated.append(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated[0], path)
    return f"sqlite:///{path}"


@pytest.fixture
def program_hashing() -> Iterator[None]:
    """Passwords hashed with the parameters the program itself uses, for this test."""
    passwords.use_parameters(profiles.RFC_9106_LOW_MEMORY)
    yield
    passwords.use_parameters(profiles.CHEAPEST)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def emulator(clock: FakeClock) -> Iterator[Emulator]:
    """A loopback X + LinkedIn + Bluesky API emulator sharing the test's fake clock."""
    with Emulator(clock) as running:
        yield running


@pytest.fixture
def secrets() -> Secrets:
    return Secrets(SECRET_VALUES)


@pytest.fixture(scope="session")
def sso_provider_server() -> Iterator[Provider]:
    """One real OpenID Connect provider on loopback for the session (oidc-provider-mock)."""
    with Provider.running() as provider:
        yield provider


@pytest.fixture
def sso_provider(sso_provider_server: Provider) -> Provider:
    """The provider, with nothing seen and no token of the test's own waiting."""
    sso_provider_server.reset()
    return sso_provider_server


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    with running_cluster() as cluster:
        print(f"\nPostgreSQL for tests: {cluster.version()}")
        template = cluster.new_database()
        Store.open(cluster.url(template)).close()  # migrate once; tests copy it
        cluster.template = template  # type: ignore[attr-defined]
        yield cluster


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return migrated_sqlite(tmp_path / "vignettes.db")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.new_database(template=cluster.template))  # type: ignore[attr-defined]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


def schedule_rule(**overrides: Any) -> ScheduleConfig:
    values: dict[str, Any] = {
        "day": "1st tue",
        "time": dt.time(10, 0),
        "timezone": "Europe/London",
        "skip_holidays": "england",
        "grace": dt.timedelta(days=3),
    }
    values.update(overrides)
    return ScheduleConfig(**values)


def selection_rule(auto_pick: bool = True, avoid: int = 6) -> SelectionConfig:
    return SelectionConfig(auto_pick=auto_pick, avoid_same_organisation_months=avoid)


def case_study_row(ref: str = "ICS-2026-100", **overrides: Any) -> dict[str, Any]:
    """A valid import record; override any field."""
    row: dict[str, Any] = {
        "ref": ref,
        "title": "Evidence review on early mobilisation after hip fracture",
        "organisation": "Northmoor Teaching Hospitals NHS Foundation Trust",
        "library_service": "Northmoor Healthcare Library",
        "region": "North West",
        "headline": "Evidence helped the ward get patients moving a day sooner",
        "summary": "A rapid evidence summary from the library team shaped a new mobilisation "
        "protocol on the orthopaedic ward.",
        "impact_categories": ["patient-care", "time-saved"],
        "quote_text": "The summary gave us the confidence to change practice.",
        "quote_attribution": "Ward Sister, Orthopaedics",
        "quote_consent": True,
        "link": "https://library.northmoor.nhs.example/impact/ics-2026-100",
        "hashtags": ["Evidence"],
        "status": "approved",
        "approved_by": "Priya Shah, Library Manager",
        "approved_on": "2026-06-01",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def write_import(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write rows as JSON, CSV or XLSX, chosen by the path's suffix."""
    if path.suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        return path
    columns = list(dict.fromkeys(key for row in rows for key in row))

    def cell(value: Any) -> Any:
        if isinstance(value, list):
            return ";".join(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return value

    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([cell(row.get(c, "")) for c in columns])
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(columns)
    for row in rows:
        sheet.append([cell(row.get(c)) for c in columns])
    book.save(path)
    return path


def escalate(store: Store, ref: str, now: dt.datetime = NOW, by: str = "peer reviewer") -> None:
    """A peer reviewer accepts `ref` with all five criteria met (escalated): what approval
    for showcase needs. A submitted case study; a draft is submitted first."""
    from vignettes.states import ReviewDecision
    from vignettes.store.queries import get_case_study
    from vignettes.workflow import Person, ReviewInput, record_review, submit

    with store.write() as session:
        cs = get_case_study(session, ref)
        who = Person(by, "cli")
        if cs.status == "draft":
            submit(session, cs, who, now)
        review = ReviewInput(frozenset({1, 2, 3, 4, 5}), ReviewDecision.ACCEPT)
        record_review(session, cs, who, review, now)


DEFAULT_SERVICE = "Northmoor Healthcare Library"  # what `case_study_row` names


def seed_directory(store: Store, *names: str) -> None:
    """Put library services in the directory (by default the one `case_study_row` names),
    as an admin would before people import or draft case studies in the console."""
    from vignettes.store.directory import add_service, find_service

    with store.write() as session:
        for name in names or (DEFAULT_SERVICE,):
            if find_service(session, name) is None:
                add_service(session, name=name, region="North West", organisations=[], now=NOW)
