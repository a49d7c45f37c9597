"""SIGTERM/SIGINT: finish the call in flight, commit, exit 0; a second signal exits at once."""

from __future__ import annotations

import signal

import pytest

from tests.daemon.conftest import Site
from tests.emulator import Emulator

pytestmark = pytest.mark.slow


def test_sigterm_during_a_send_commits_the_result_before_exiting_zero(
    live_site: Site, emulator: Emulator
) -> None:
    hold = emulator.hold_next("x.create_tweet")
    daemon = live_site.start()
    assert hold.arrived.wait(60)

    daemon.send(signal.SIGTERM)
    assert daemon.notify.wait_for("STOPPING=1")
    hold.released.set()

    assert daemon.wait() == 0
    assert live_site.posts() == {"x": "posted"}  # LinkedIn was not started
    assert len(emulator.x_posts) == 1


def test_a_shutdown_never_consumes_the_due_run(live_site: Site, emulator: Emulator) -> None:
    hold = emulator.hold_next("x.create_tweet")
    daemon = live_site.start()
    assert hold.arrived.wait(60)
    daemon.send(signal.SIGTERM)
    assert daemon.notify.wait_for("STOPPING=1")
    hold.released.set()
    assert daemon.wait() == 0

    assert live_site.cli("run", "--once").code == 0
    assert live_site.posts() == {"x": "posted", "linkedin": "posted"}
    assert (len(emulator.x_posts), len(emulator.linkedin_posts)) == (1, 1)


def test_a_second_signal_exits_at_once_without_waiting_for_the_call(
    live_site: Site, emulator: Emulator
) -> None:
    hold = emulator.hold_next("x.create_tweet")
    daemon = live_site.start()
    assert hold.arrived.wait(60)

    daemon.send(signal.SIGTERM)
    assert daemon.notify.wait_for("STOPPING=1")
    daemon.send(signal.SIGINT)

    assert daemon.wait(timeout=5) != 0
    assert live_site.posts() == {"x": "sending"}  # left for reconciliation on restart
    assert "second SIGINT: exiting at once" in daemon.result().err
    hold.released.set()


def test_sigterm_during_a_scheduled_tick_commits_then_exits_zero(
    site: Site, emulator: Emulator
) -> None:
    daemon = site.configure(emulator).start()  # nothing imported yet: nothing to send
    daemon.wait_ready()
    hold = emulator.hold_next("x.create_tweet")
    site.seed()  # the interval tick (10 s) finds it due, in APScheduler's thread

    assert hold.arrived.wait(30), daemon.result().err
    daemon.send(signal.SIGTERM)
    assert daemon.notify.wait_for("STOPPING=1")
    hold.released.set()

    assert daemon.wait() == 0, daemon.result().err
    assert site.posts() == {"x": "posted"}
    assert "Traceback" not in daemon.result().err


def test_sigterm_while_idle_exits_zero_promptly(site: Site) -> None:
    daemon = site.seed().start()
    daemon.wait_ready()

    daemon.send(signal.SIGTERM)

    assert daemon.wait(timeout=10) == 0
    assert "SIGTERM: finishing the call in flight, then stopping" in daemon.result().err
