"""`vignettes publish` as a person types it: bounded to the months a person may publish,
deliberate when forced (the month typed again at a terminal, recorded in the audit
trail), and an exit code that says whether every platform got the post."""

from __future__ import annotations

import os
import pty
import subprocess

from sqlalchemy import select

from tests.daemon.conftest import MONTH, VIGNETTES, Result, Site
from tests.emulator import Emulator
from vignettes.store.models import AuditEvent
from vignettes.store.queries import Store


def outbox(site: Site) -> list[str]:
    folder = site.root / "var" / "outbox"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def at_a_terminal(site: Site, typed: str, *args: str) -> Result:
    """Run `vignettes ARGS` with a pseudo-terminal as stdin, typing `typed` into it."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [VIGNETTES, "--config", str(site.config_path), *args],
            cwd=site.root,
            env=site.env(None),
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(leader, typed.encode() + b"\n")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    site.transcripts += [out, err]
    return Result(proc.returncode, out, err)


def forced_publishes(site: Site) -> list[AuditEvent]:
    store = Store.open(site.db_url)
    try:
        with store.read() as session:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "publish_forced"))
            return list(rows)
    finally:
        store.close()


def test_a_future_month_is_refused_with_the_reason_and_nothing_is_sent(site: Site) -> None:
    result = site.seed().cli("publish", "2027-03")

    assert result.code == 1
    assert "not publishing 2027-03: it is a future month" in result.err
    assert result.err.rstrip().endswith("(to publish it anyway: --force-month)")
    assert "Traceback" not in result.err and outbox(site) == []


def test_a_year_outside_2000_to_2100_is_a_usage_error(site: Site) -> None:
    result = site.cli("publish", "2202-12")

    assert result.code == 2 and "the year must be between 2000 and 2100" in result.err
    assert "Traceback" not in result.err


def test_forcing_needs_a_terminal_to_type_the_month_again(site: Site) -> None:
    result = site.seed().cli("publish", "2027-03", "--force-month")

    assert result.code == 2 and "needs a terminal" in result.err
    assert outbox(site) == [] and forced_publishes(site) == []


def test_a_forced_month_typed_again_is_published_and_recorded_in_the_audit_trail(
    site: Site,
) -> None:
    result = at_a_terminal(
        site.seed(), "2027-03", "publish", "2027-03", "--force-month", "--by", "Priya Shah"
    )

    assert result.code == 0, result.err
    assert "Type the month again" in result.err
    assert len(outbox(site)) == 2 and site.posts() == {"x": "posted", "linkedin": "posted"}
    [forced] = forced_publishes(site)
    assert (forced.actor, forced.via, forced.month) == ("Priya Shah", "cli", "2027-03")
    assert "future month" in forced.detail["overrode"]


def test_a_forced_month_typed_wrongly_publishes_nothing(site: Site) -> None:
    result = at_a_terminal(site.seed(), "2027-02", "publish", "2027-03", "--force-month")

    assert result.code == 1 and "2027-02 typed, not 2027-03; nothing was published" in result.err
    assert outbox(site) == [] and forced_publishes(site) == []


def test_publish_exits_1_naming_the_states_when_a_platform_is_still_pending(
    live_site: Site, emulator: Emulator
) -> None:
    emulator.fail_next("x.media_upload", 503, times=3)  # before sending: retried later

    result = live_site.cli("publish", MONTH)

    assert result.code == 1
    assert "x        pending" in result.out and "linkedin posted" in result.out
    assert f"vignettes: {MONTH} is not posted everywhere (x pending, linkedin posted)" in result.err


def test_publish_exits_0_only_when_every_platform_is_posted(live_site: Site) -> None:
    first = live_site.cli("publish", MONTH)
    again = live_site.cli("publish", MONTH, "--json")

    assert first.code == 0, first.err
    assert again.code == 0 and again.json()["posts"] == {"x": "posted", "linkedin": "posted"}


def test_settling_options_without_resolve_are_a_usage_error(site: Site) -> None:
    for option in (
        ["--remote-id", "1234"],
        ["--url", "https://x.com/a/status/1"],
        ["--platform", "x"],
    ):
        result = site.cli("publish", MONTH, *option)
        assert result.code == 2 and "can only be used with --resolve" in result.err, option
    assert outbox(site) == []


def test_the_daemon_publishes_a_due_month_as_it_always_has(site: Site) -> None:
    once = site.seed().cli("run", "--once")

    assert once.code == 0, once.err
    assert site.posts() == {"x": "posted", "linkedin": "posted"}
    assert forced_publishes(site) == []


def test_a_retry_after_a_refused_send_is_one_json_answer_and_exits_0_once_posted(
    live_site: Site, emulator: Emulator
) -> None:
    emulator.fail_next("x.create_tweet", 400)  # refused: failed, for a person to settle
    first = live_site.cli("publish", MONTH)
    assert first.code == 1 and "x        failed" in first.out

    retried = live_site.cli("publish", MONTH, "--resolve", "retry", "--platform", "x", "--json")

    assert retried.code == 0, retried.err
    answer = retried.json()
    assert (answer["resolved"], answer["platforms"]) == ("retry", ["x"])
    assert answer["publish"]["posts"] == {"x": "posted", "linkedin": "posted"}


def audited_posts(site: Site) -> set[tuple[str, str, str]]:
    store = Store.open(site.db_url)
    try:
        with store.read() as session:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.month == MONTH))
            return {(e.action, e.actor, e.via) for e in rows if e.action in ("sending", "posted")}
    finally:
        store.close()


def test_publish_is_audited_in_the_name_of_who_ran_it_never_a_process_id(site: Site) -> None:
    by = site.seed().cli("publish", MONTH, "--by", "Priya Shah")
    assert by.code == 0, by.err
    assert {actor for _action, actor, _via in audited_posts(site)} == {"Priya Shah"}


def test_without_by_publish_names_the_login(site: Site) -> None:
    result = site.seed().cli("publish", MONTH, env={"USER": "ola"})
    assert result.code == 0, result.err
    audited = audited_posts(site)
    assert ("sending", "ola", "cli") in audited and ("posted", "ola", "cli") in audited
    assert {actor for _action, actor, _via in audited} == {"ola"}
