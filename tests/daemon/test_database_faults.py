"""The daemon, a real process, against a faulty database: it records the fault (one log
line, its systemd STATUS=), keeps retrying instead of exiting into a restart loop, and
carries on by itself once the database is usable again."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.daemon.conftest import Running, Site
from tests.faults import checkpoint, overwrite, sqlite_write_lock

FAULT = "STATUS=database fault since"


def faults_reported(daemon: Running, at_least: int, timeout: float = 20.0) -> int:
    """How many times the daemon reported the fault (one STATUS= per attempt), waiting
    up to `timeout` for `at_least`."""
    deadline = time.monotonic() + timeout

    def seen() -> int:
        return sum(m.startswith(FAULT) for m in daemon.notify.messages)

    while seen() < at_least and time.monotonic() < deadline:
        daemon.notify.wait_for("(nothing: read what arrives)", timeout=0.5)
    return seen()


def database_of(site: Site) -> Path:
    return Path(site.db_url.split("///", 1)[1])


def restore(database: Path, good: bytes) -> None:
    spare = database.with_name("restored.db")
    spare.write_bytes(good)
    os.replace(spare, database)


def test_a_damaged_database_is_waited_out_and_the_month_published_once_restored(
    site: Site,
) -> None:
    database = database_of(site.seed())
    checkpoint(database)
    good = database.read_bytes()
    overwrite(database)

    daemon = site.start()
    assert daemon.notify.wait_for("READY=1")  # systemd must not kill it while it waits
    assert faults_reported(daemon, at_least=2) >= 2 and daemon.running()
    restore(database, good)

    assert daemon.notify.wait_for("STATUS=active, last tick*", timeout=20)
    daemon.send(signal.SIGTERM)
    assert daemon.wait() == 0
    log = daemon.result().err
    assert "Traceback" not in log
    [fault] = [line for line in log.splitlines() if "database fault:" in line]
    assert str(database) in fault and "restore it from a backup" in fault
    assert "database usable again" in log
    assert site.posts() == {"x": "posted", "linkedin": "posted"}


def test_a_lock_held_during_a_tick_is_a_fault_retried_until_it_is_released(site: Site) -> None:
    text = site.config_path.read_text()
    site.config_path.write_text(text.replace("[database]\n", '[database]\nbusy_timeout = "1s"\n'))
    database = database_of(site.seed())

    with sqlite_write_lock(database):
        daemon = site.start()
        assert daemon.notify.wait_for("READY=1")
        assert faults_reported(daemon, at_least=1) >= 1 and daemon.running()

    assert daemon.notify.wait_for("STATUS=active, last tick*", timeout=20)
    daemon.send(signal.SIGTERM)
    assert daemon.wait() == 0
    log = daemon.result().err
    assert "Traceback" not in log and "is locked" in log
    assert site.posts() == {"x": "posted", "linkedin": "posted"}


def test_a_database_url_that_cannot_be_used_stops_the_daemon_with_78_not_a_retry(
    site: Site,
) -> None:
    text = site.config_path.read_text()
    site.config_path.write_text(
        text.replace(site.db_url, "postgresql+psycopg://vignettes:s3cret-pw@db.example:port/v")
    )

    result = site.cli("run")

    assert result.code == 78  # systemd's RestartPreventExitStatus: a person must fix it
    assert "fix [database] url" in result.err and "s3cret-pw" not in result.err
    assert "Traceback" not in result.err
