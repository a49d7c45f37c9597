"""Every route of the home, plan, calendar, engagement, users and audit screens, for every
role: the roles that may use it reach it, the others get 403, a signed-out visitor is sent
to sign in, and every form refuses a POST without this session's CSRF token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.accounts.permissions import RANKED
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, make_console
from tests.web.plan_data import DECEMBER_MORNING, approved, load

# (method, path, form data, the lowest role allowed). Data that an allowed role sends is
# refused by validation or the operation (400, 404, 409), so nothing changes meanwhile.
ROUTES = [
    ("GET", "/", {}, "viewer"),
    ("GET", f"/cards/{'0' * 32}/x.png", {}, "viewer"),
    ("GET", "/plan", {}, "viewer"),
    ("GET", "/plan/calendar", {}, "viewer"),
    ("POST", "/plan/calendar", {}, "viewer"),
    ("GET", "/engagement", {}, "viewer"),
    ("GET", "/engagement/chart.png", {}, "viewer"),
    ("GET", "/engagement.csv", {}, "viewer"),
    ("POST", "/plan/queue", {"month": "", "ref": ""}, "editor"),
    ("POST", "/plan/2027-01/unqueue", {}, "editor"),
    ("POST", "/plan/swap", {"first": "", "second": ""}, "editor"),
    ("POST", "/settle/2026-12/x", {"settle-2026-12-x-resolution": "retry"}, "admin"),
    ("GET", "/publish/2026-12", {}, "admin"),
    ("POST", "/publish/2027-03", {}, "admin"),
    ("GET", "/users", {}, "admin"),
    ("GET", "/users/new", {}, "admin"),
    ("POST", "/users/new", {"name": ""}, "admin"),
    ("GET", "/users/nobody", {}, "admin"),
    ("POST", "/users/nobody/role", {"role": "viewer"}, "admin"),
    ("POST", "/users/nobody/disable", {}, "admin"),
    ("POST", "/users/nobody/enable", {}, "admin"),
    ("POST", "/users/nobody/password", {"password_choice": "one-time"}, "admin"),
    ("GET", "/audit", {}, "admin"),
]
FORMS = [(path, data) for method, path, data, _role in ROUTES if method == "POST"]


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(made, approved("ICS-1"), approved("ICS-2"))
    yield made
    made.ws.close()


def request(console: Console, method: str, path: str, data: dict[str, str]) -> int:
    response = console.post(path, data) if method == "POST" else console.get(path)
    return response.status_code


@pytest.mark.parametrize("role", RANKED)
def test_each_role_reaches_exactly_the_routes_its_role_allows(console: Console, role: str) -> None:
    console.add_user("sam", role)
    console.sign_in("sam")
    rank = RANKED.index(role)

    answers = {(m, p): request(console, m, p, d) for m, p, d, _lowest in ROUTES}

    refused = {route for route, status in answers.items() if status == 403}
    expected = {(m, p) for m, p, _d, lowest in ROUTES if RANKED.index(lowest) > rank}
    assert refused == expected
    assert all(status not in (302, 500) for status in answers.values()), answers


def test_library_staff_find_none_of_these_screens_but_their_home(console: Console) -> None:
    console.add_user("cara", "contributor", services=("Northmoor Healthcare Library",))
    console.sign_in("cara")

    answers = {(m, p): request(console, m, p, d) for m, p, d, _lowest in ROUTES}

    assert answers.pop(("GET", "/")) == 200
    assert set(answers.values()) == {404}, answers


def test_a_signed_out_visitor_is_sent_to_sign_in_and_cannot_post(console: Console) -> None:
    for method, path, data, _role in ROUTES:
        if method == "POST":  # without a session there is no CSRF token to send
            assert console.client.post(path, data=data).status_code == 400, path
        else:
            assert console.client.get(path).location == f"/login?next={path}", path


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_every_form_refuses_a_post_without_the_session_s_token(
    console: Console, path: str, data: dict[str, str]
) -> None:
    console.add_user("ada", "admin")
    console.sign_in("ada")
    refused = console.client.post(path, data=data)
    assert refused.status_code == 400
    assert "Sorry, the form could not be sent" in refused.text
    forged = console.client.post(path, data={**data, "csrf_token": "forged"})
    assert forged.status_code == 400 and "Sorry, the form could not be sent" in forged.text
