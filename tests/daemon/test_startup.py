"""Starting up: refusals (exit 78), the systemd protocol, and `run --once` on a fresh install."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.conftest import SECRET_VALUES
from tests.daemon.conftest import MONTH, Site


def test_an_invalid_config_exits_78_listing_every_problem(site: Site) -> None:
    site.configure(extra='\n[schedule]\ngrace = "40d"\ncolour = "blue"\n')

    result = site.cli("run")

    assert result.code == 78
    assert "2 configuration problem(s)" in result.err
    assert "schedule.grace: must be shorter than 28d" in result.err
    assert "schedule.colour: unknown key" in result.err


def test_a_world_readable_secrets_file_is_refused_naming_it_not_showing_it(
    site: Site, tmp_path: Path
) -> None:
    secrets = tmp_path / "secrets.env"
    secrets.write_text("".join(f"{k}={v}\n" for k, v in SECRET_VALUES.items()))
    secrets.chmod(0o644)

    result = site.seed().cli("run", env={"VIGNETTES_SECRETS_FILE": str(secrets)})

    assert result.code == 78
    assert str(secrets) in result.err
    assert "mode 0644; it must be 0600" in result.err
    assert site.posts() == {}  # checked before anything was sent


def test_a_0600_secrets_file_in_systemd_format_is_accepted(site: Site, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.env"
    secrets.write_text("# EnvironmentFile= format\nVIGNETTES_X_API_KEY=test-x-api-key\n")
    secrets.chmod(0o600)

    result = site.seed().cli("run", "--once", env={"VIGNETTES_SECRETS_FILE": str(secrets)})

    assert result.code == 0, result.err


def test_the_daemon_tells_systemd_it_is_ready_keeps_the_watchdog_fed_and_says_stopping(
    site: Site,
) -> None:
    daemon = site.seed().start(env={"WATCHDOG_USEC": "400000"})  # a keep-alive every 0.2 s

    daemon.wait_ready()
    assert daemon.notify.wait_for("WATCHDOG=1", timeout=5)
    daemon.send(signal.SIGTERM)

    assert daemon.wait() == 0
    assert daemon.notify.wait_for("STOPPING=1", timeout=1)
    assert daemon.notify.messages.index("READY=1") < daemon.notify.messages.index("WATCHDOG=1")


def test_run_once_on_a_fresh_sample_database_publishes_to_the_outbox(site: Site) -> None:
    once = site.seed().cli("run", "--once")

    assert once.code == 0, once.err
    outbox = sorted(p.name for p in (site.root / "var" / "outbox").iterdir())
    assert [name.split("-")[1] for name in outbox] == ["linkedin", "x"]
    status = site.cli("status", "--json").json()
    assert status["this_month"]["month"] == MONTH
    assert status["this_month"]["state"] == "published"
    assert {p: s["state"] for p, s in status["this_month"]["posts"].items()} == {
        "x": "posted",
        "linkedin": "posted",
    }


def test_run_once_again_posts_nothing_more(site: Site) -> None:
    site.seed().cli("run", "--once")

    again = site.cli("run", "--once", "--json")

    assert again.code == 0, again.err
    assert len(list((site.root / "var" / "outbox").iterdir())) == 2
    assert again.json()["published"] == []
