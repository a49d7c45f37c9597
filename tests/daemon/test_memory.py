"""The daemon idles for weeks between publishes: Pillow, fonts and card images belong in
the short-lived rendering process, never in the daemon itself."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.daemon.conftest import Site
from tests.emulator import Emulator

pytestmark = pytest.mark.slow


def test_the_daemon_sends_cards_without_loading_pillow_itself(
    live_site: Site, emulator: Emulator
) -> None:
    hold = emulator.hold_next("x.create_tweet")  # cards rendered, archived, upload done
    daemon = live_site.start()
    assert hold.arrived.wait(60)
    mapped = Path(f"/proc/{daemon.pid}/maps").read_text()
    hold.released.set()
    daemon.send(signal.SIGTERM)
    assert daemon.wait() == 0
    assert "PIL/_imaging" not in mapped and "libraqm" not in mapped
