"""One daemon per database: a lock file on SQLite, an advisory lock (active + standby) on
PostgreSQL; and with no lock at all, the conditional claim still allows one post."""

from __future__ import annotations

import datetime as dt
import signal

import pytest

from tests.daemon.conftest import MONTH, SLOT_NOW, Site
from tests.emulator import Emulator

pytestmark = pytest.mark.slow


def test_a_second_daemon_on_one_sqlite_database_exits_75_naming_the_holder(site: Site) -> None:
    first = site.seed().start()
    first.wait_ready()

    second = site.cli("run")

    assert second.code == 75
    assert f":{first.pid}) holds " in second.err
    assert "vignettes.db.lock; only one may run against this database" in second.err
    assert first.running()


def test_run_once_does_not_tick_while_the_daemon_holds_the_lock(site: Site) -> None:
    site.seed().start().wait_ready()

    once = site.cli("run", "--once")

    assert once.code == 75
    assert "holds the instance lock; not ticking" in once.err


def test_two_publish_processes_racing_without_the_lock_still_post_once_per_platform(
    any_site: Site, emulator: Emulator
) -> None:
    any_site.configure(emulator).seed()
    hold = emulator.hold_next("x.media_upload", perform=False)
    first = any_site.spawn("publish", MONTH)
    assert hold.arrived.wait(60), first.result().err  # the first owns X and waits

    second = any_site.cli("publish", MONTH)
    hold.released.set()

    assert first.wait() == 0, first.result().err
    assert "x        sending" in second.out  # the second found X claimed and left it
    assert (len(emulator.x_posts), len(emulator.linkedin_posts)) == (1, 1)
    assert any_site.posts() == {"x": "posted", "linkedin": "posted"}


def test_on_postgresql_a_standby_takes_over_when_the_active_daemon_is_killed(
    pg_site: Site,
) -> None:
    before_slot = SLOT_NOW - dt.timedelta(days=1)  # the first daemon has nothing due
    active = pg_site.seed().start(now=before_slot)
    active.wait_ready()
    standby = pg_site.start()
    assert standby.notify.wait_for("STATUS=standby*")
    assert pg_site.posts() == {}

    active.send(signal.SIGKILL)

    assert standby.notify.wait_for("STATUS=active, last tick*", timeout=20)
    assert pg_site.posts() == {"x": "posted", "linkedin": "posted"}
    assert "lock acquired: this daemon is now active" in standby.result().err
    assert len(list((pg_site.root / "var" / "outbox").iterdir())) == 2
