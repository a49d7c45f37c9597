"""The plan as an iCalendar feed behind a per-user secret address: shown once, replaced on
request, never opened by a session, and refused the same way whatever is wrong."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from scheduler.operations.accounts.users import disable_user
from scheduler.operations.months import Month
from scheduler.web.frontend import Frontend
from tests.web.conftest import OPERATOR, Console, make_console
from tests.web.plan_data import DECEMBER_MORNING, approved, load, mark_missed, publish

ADDRESS = re.compile(r'id="calendar-address" type="text" readonly value="([^"]+)"')


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(made, approved("ICS-1", title="Falls review"), approved("ICS-2"))
    made.add_user("vera", "viewer")
    made.sign_in("vera")
    yield made
    made.ws.close()


def new_address(console: Console) -> str:
    """Make a calendar address on the page, as a person does; its path and query."""
    answer = console.post("/plan/calendar")
    assert answer.headers["Cache-Control"] == "no-store"  # shown once: never kept by a cache
    found = ADDRESS.search(answer.text)
    assert found, "the new address is not on the page"
    address = urlsplit(found.group(1).replace("&amp;", "&"))
    assert (address.scheme, address.netloc) == ("http", "localhost")
    return f"{address.path}?{address.query}"


def events(body: bytes) -> dict[str, str]:
    feed = Calendar.from_ical(body)
    return {str(e["uid"]): str(e["summary"]) for e in feed.walk("VEVENT")}


def test_the_address_is_shown_once_and_opens_the_plan_as_a_calendar(console: Console) -> None:
    assert "Subscribe from web" in console.get("/plan/calendar").text
    address = new_address(console)
    assert not ADDRESS.search(console.get("/plan/calendar").text)  # never again

    feed = console.app.test_client().get(address)  # a calendar client: no session

    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in feed.headers
    calendar = Calendar.from_ical(feed.data)
    assert str(calendar["version"]) == "2.0" and str(calendar["method"]) == "PUBLISH"
    assert len(calendar.walk("VEVENT")) == 24
    assert events(feed.data)["slot-2026-12@impact-vignettes"] == "Impact vignette: Falls review"


def test_the_feed_has_the_shape_outlook_subscribes_to(console: Console) -> None:
    body = console.app.test_client().get(new_address(console)).data
    lines = body.split(b"\r\n")  # RFC 5545: CRLF line ends, lines folded at 75 octets
    assert lines[0] == b"BEGIN:VCALENDAR" and b"X-PUBLISHED-TTL:PT1H" in lines
    assert all(len(line) <= 75 for line in lines) and b"\n" not in body.replace(b"\r\n", b"")
    december = next(
        e
        for e in Calendar.from_ical(body).walk("VEVENT")
        if str(e["uid"]).startswith("slot-2026-12")
    )
    assert december["dtstart"].dt.isoformat() == "2026-12-01T10:00:00+00:00"
    assert str(december["transp"]) == "TRANSPARENT" and "dtstamp" in december


def test_each_slot_keeps_its_uid_when_the_plan_changes(console: Console) -> None:
    address = new_address(console)
    before = events(console.get(address).data)
    console.sign_out()
    console.add_user("ed", "editor")
    console.sign_in("ed")
    console.post("/plan/swap", {"first": "2026-12", "second": "2027-01"})

    after = events(console.app.test_client().get(address).data)

    assert set(after) == set(before)
    assert after["slot-2026-12@impact-vignettes"] == before["slot-2027-01@impact-vignettes"]


def test_a_new_address_stops_the_old_one(console: Console) -> None:
    old = new_address(console)
    new = new_address(console)
    calendar = console.app.test_client()
    assert calendar.get(new).status_code == 200
    assert calendar.get(old).status_code == 404


def test_wrong_old_disabled_and_missing_tokens_get_the_same_404(console: Console) -> None:
    old = new_address(console)
    current = new_address(console)
    calendar = console.app.test_client()
    refused = [calendar.get(path) for path in (old, "/plan.ics?token=guess", "/plan.ics")]
    disable_user(console.ws, OPERATOR, "vera")
    refused.append(calendar.get(current))

    assert {r.status_code for r in refused} == {404}
    assert len({r.data for r in refused}) == 1
    assert {r.headers["Content-Type"] for r in refused} == {"text/plain; charset=utf-8"}


def test_a_signed_in_session_never_opens_the_feed(console: Console) -> None:
    new_address(console)
    assert console.get("/plan.ics").status_code == 404  # signed in, no token
    assert console.get("/plan").status_code == 200  # and still signed in


def test_event_uids_are_the_same_whatever_host_the_console_is_reached_at(
    console: Console,
) -> None:
    address = new_address(console)
    here = events(console.app.test_client().get(address).data)
    via_proxy = console.app.test_client().get(address, base_url="https://vignettes.nhs.example")
    assert set(events(via_proxy.data)) == set(here)
    assert "slot-2026-12@impact-vignettes" in here


def descriptions(body: bytes) -> dict[str, str]:
    feed = Calendar.from_ical(body)
    return {str(e["uid"]).split("@")[0]: str(e["description"]) for e in feed.walk("VEVENT")}


def test_past_months_say_what_really_happened_in_words(console: Console) -> None:
    address = new_address(console)
    publish(console)  # December goes out
    mark_missed(console, Month(2026, 11))
    console.clock.advance(dt.timedelta(days=40))  # mid-January: December is past

    told = descriptions(console.app.test_client().get(address).data)

    assert "Month: December 2026\nState: Published" in told["slot-2026-12"]
    assert "Post on X: posted" in told["slot-2026-12"]
    assert "State: Missed" in told["slot-2026-11"]
    assert "State: Nothing recorded" in told["slot-2026-10"]
    assert "State: Planned" in told["slot-2027-02"]
