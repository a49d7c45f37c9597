"""Home: this month's vignette with its card and posts, the next slot in local time, and
what needs a person, with the admin's settle and publish-now actions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.audit import audit_log
from scheduler.operations.showcase.status import status
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, error_summary, make_console
from tests.web.plan_data import (
    DECEMBER_MORNING,
    approved,
    load,
    lose_outcome,
    publish,
    raise_alert,
    record_heartbeat,
)


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    """The console early on 1 December 2026, before December's 10:00 slot."""
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(made, approved("ICS-1", title="Falls review"), approved("ICS-2"))
    yield made
    made.ws.close()


def posts(console: Console) -> dict[str, tuple[str, str | None]]:
    return {p.platform: (p.state, p.url) for p in status(console.ws).this_month.posts}


def test_a_viewer_sees_this_month_s_vignette_its_card_and_the_next_slot(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")

    page = console.get("/").text

    assert "This month: December 2026" in page and "Falls review" in page
    assert "Tue 1 Dec 2026, 10:00 GMT" in page and "Auto-pick" in page
    card = page.split('class="app-card-thumbnail" src="', 1)[1].split('"', 1)[0]
    png = console.get(card)
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert "immutable" in png.headers["Cache-Control"]
    assert "Publish December 2026 now" not in page and "The daemon has never run" in page


def test_a_card_that_was_never_rendered_is_not_found(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert console.get(f"/cards/{'0' * 32}/x.png").status_code == 404
    assert console.get("/cards/..%2F..%2Fetc/x.png").status_code == 404


def test_an_admin_says_an_unknown_post_is_on_the_account_with_its_address(
    console: Console,
) -> None:
    publish(console)
    lose_outcome(console, "x")
    console.add_user("ada", "admin")
    console.sign_in("ada")
    assert "Outcome unknown" in console.get("/").text

    done = console.post(
        "/settle/2026-12/x",
        {
            "settle-2026-12-x-resolution": "posted",
            "settle-2026-12-x-url": "https://x.com/a/status/7",
        },
    )

    assert (done.status_code, done.location) == (302, "/")
    assert posts(console)["x"] == ("posted", "https://x.com/a/status/7")
    page = console.get("/").text
    assert "December 2026 on X: marked as posted." in page
    assert 'href="https://x.com/a/status/7"' in page
    latest = audit_log(console.ws, per_page=1).lines[0]
    assert (latest.action, latest.actor, latest.via) == ("resolved_posted", "ada", "web")


def test_an_admin_sends_an_unknown_post_again(console: Console) -> None:
    publish(console)
    lose_outcome(console, "x")
    console.add_user("ada", "admin")
    console.sign_in("ada")

    done = console.post("/settle/2026-12/x", {"settle-2026-12-x-resolution": "retry"})

    assert done.status_code == 302
    assert posts(console)["x"][0] == "posted"
    assert "December 2026 on X: sent again. X posted and LinkedIn posted." in console.get("/").text


def test_an_address_that_is_not_a_web_address_is_refused_at_its_field(console: Console) -> None:
    publish(console)
    lose_outcome(console, "x")
    console.add_user("ada", "admin")
    console.sign_in("ada")

    page = console.post(
        "/settle/2026-12/x",
        {"settle-2026-12-x-resolution": "posted", "settle-2026-12-x-url": "javascript:alert(1)"},
    )

    assert page.status_code == 400
    assert error_summary(page.text) == [
        "Enter the address of the post, starting with https:// (or leave it empty)"
    ]
    assert 'href="#settle-2026-12-x-url"' in page.text and 'id="settle-2026-12-x-url"' in page.text
    assert posts(console)["x"] == ("unknown", None)


def test_settling_a_post_that_is_not_waiting_says_so(console: Console) -> None:
    publish(console)
    console.add_user("ada", "admin")
    console.sign_in("ada")
    page = console.post("/settle/2026-12/x", {"settle-2026-12-x-resolution": "retry"})
    assert page.status_code == 400
    assert error_summary(page.text) == ["December 2026: no x post is waiting to be resolved"]


def test_an_editor_sees_what_needs_a_person_but_may_not_settle_it(console: Console) -> None:
    publish(console)
    lose_outcome(console, "x")
    console.add_user("ed", "editor")
    console.sign_in("ed")

    page = console.get("/").text

    assert "An admin can settle this." in page and "It is on the account" not in page
    refused = console.post("/settle/2026-12/x", {"settle-2026-12-x-resolution": "retry"})
    assert refused.status_code == 403
    assert posts(console)["x"] == ("unknown", None)


def test_an_admin_publishes_this_month_now_after_confirming(console: Console) -> None:
    console.add_user("ada", "admin")
    console.sign_in("ada")
    assert 'href="/publish/2026-12"' in console.get("/").text
    confirm = console.get("/publish/2026-12").text
    assert "This sends" in confirm and "to X and LinkedIn straight away" in confirm

    done = console.post("/publish/2026-12")

    assert (done.status_code, done.location) == (302, "/")
    assert {p: s for p, (s, _url) in posts(console).items()} == {
        "x": "posted",
        "linkedin": "posted",
    }
    page = console.get("/").text
    assert "December 2026 published now: X posted and LinkedIn posted." in page
    assert "Publish December 2026 now" not in page  # nothing left to publish


def test_a_month_outside_the_bounds_is_never_offered_and_refused_when_posted(
    console: Console,
) -> None:
    console.add_user("ada", "admin")
    console.sign_in("ada")
    confirm = console.get("/publish/2027-03").text
    assert "cannot be published from the console: it is a future month" in confirm
    assert "--force-month" not in confirm and 'action="/publish/2027-03"' not in confirm
    assert "Only whoever runs the server can publish a month outside these bounds" in confirm

    refused = console.post("/publish/2027-03")

    assert refused.status_code == 409
    assert error_summary(refused.text)[0].startswith(
        "Not publishing March 2027: it is a future month"
    )
    assert [e.action for e in audit_log(console.ws).lines if e.month == "2027-03"] == []


def test_only_an_admin_may_publish_now(console: Console) -> None:
    console.add_user("ann", "approver")
    console.sign_in("ann")
    assert "Publish December 2026 now" not in console.get("/").text
    assert console.get("/publish/2026-12").status_code == 403
    assert console.post("/publish/2026-12").status_code == 403
    assert posts(console) == {}


def test_a_figure_a_platform_does_not_offer_is_named(tmp_path: Path, frontend: Frontend) -> None:
    bluesky = {"platforms": {"bluesky": {"enabled": True}}}
    console = make_console(tmp_path, frontend, sections=bluesky, now=DECEMBER_MORNING)
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/").text
    assert "Bluesky does not report impressions or link clicks at all" in page
    assert 'show as "not offered", never as 0' in page.replace("&#34;", '"')
    console.ws.close()


def test_a_daemon_not_seen_alerts_and_credentials_are_shown(
    tmp_path: Path, frontend: Frontend
) -> None:
    live = {"platforms": {"linkedin": {"mode": "live", "version": "202501"}}}
    console = make_console(tmp_path, frontend, sections=live, now=DECEMBER_MORNING)
    record_heartbeat(console, minutes_ago=90)
    raise_alert(console, "X refused the token: re-authorise")
    console.add_user("vera", "viewer")
    console.sign_in("vera")

    page = console.get("/").text

    assert "The daemon has not been seen recently" in page and "box-1" in page
    assert "X refused the token: re-authorise" in page
    assert "Credentials need attention" in page and "LinkedIn-Version 202501" in page
    console.ws.close()


def test_publish_now_is_audited_in_the_name_of_the_admin_never_a_process(
    console: Console,
) -> None:
    console.add_user("ada", "admin")
    console.sign_in("ada")
    console.post("/publish/2026-12")
    trail = audit_log(console.ws, per_page=50).lines
    acts = {(line.action, line.actor, line.via) for line in trail if line.month == "2026-12"}
    assert ("sending", "ada", "web") in acts and ("posted", "ada", "web") in acts
    assert all(actor == "ada" for _action, actor, _via in acts)


def test_a_settled_posts_address_must_be_https_as_the_form_says(console: Console) -> None:
    publish(console)
    lose_outcome(console, "x")
    console.add_user("ada", "admin")
    console.sign_in("ada")
    page = console.post(
        "/settle/2026-12/x",
        {"settle-2026-12-x-resolution": "posted", "settle-2026-12-x-url": "http://x.com/a/1"},
    )
    assert page.status_code == 400
    assert error_summary(page.text) == [
        "Enter the address of the post, starting with https:// (or leave it empty)"
    ]
    assert posts(console)["x"] == ("unknown", None)
