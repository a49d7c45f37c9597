"""Every route of the console, for every role (issue 20's "every route × every role"):

- a role that may use a route reaches it; any other ranked role gets 403;
- library staff (a contributor of Northmoor) reach their own service's pages and actions,
  and everything else answers 404 as if it did not exist: every other service's page, card
  and action, and every screen beyond their role; Southdown appears in none of their lists,
  searches or counts;
- a signed-out visitor is sent to sign in, except on the few public pages.

The table below is the console's whole surface: a route the app has that the table does
not list fails `test_the_table_lists_every_route_of_the_console`, so a new view cannot
arrive without saying who may use it (and a view without a role check fails
tests/web/test_roles.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scheduler.operations.accounts.permissions import GRANTS, RANKED, Permission
from scheduler.operations.content.cards import vignette_cards
from scheduler.operations.pipeline.services import list_services
from scheduler.web.frontend import Frontend
from tests.web.conftest import OPERATOR, Console, make_console
from tests.web.content import load, submitted
from tests.web.pipeline_data import NORTH, SOUTH, two_services
from tests.web.plan_data import DECEMBER_MORNING

P = Permission
OWN, OTHER = "N-1", "S-1"  # Northmoor's case study, and Southdown's
KEY = "{key}"  # stands for the case study's card key, filled in once it is rendered
SERVICE = "{service}"  # stands for Northmoor's id in the directory


@dataclass(frozen=True)
class Route:
    """One request: its method, path (`{ref}` stands for a case study), form data that
    an allowed role sends and is refused by validation or the rules (so nothing changes
    meanwhile), and the permission it needs. `absent`: an allowed role may still get 404
    (nothing to draw, an unknown token)."""

    method: str
    path: str
    permission: Permission
    data: dict[str, str] | None = None
    absent: bool = False

    @property
    def rule(self) -> tuple[str, str]:
        return self.method, self.path

    def on(self, ref: str, key: str, service: str) -> str:
        return self.path.replace("{ref}", ref).replace(KEY, key).replace(SERVICE, service)


NOT_A_REVIEW = {"decision": "maybe"}
ROUTES = [
    Route("GET", "/", P.BROWSE),
    Route("GET", "/account", P.BROWSE),
    Route("POST", "/account", P.BROWSE, {"choice": ""}),
    Route("GET", "/account/password", P.BROWSE),
    Route("POST", "/account/password", P.BROWSE, {"current_password": ""}),
    Route("GET", "/waiting", P.BROWSE),
    Route("GET", "/case-studies", P.BROWSE),
    Route("GET", "/case-studies/{ref}", P.BROWSE),
    Route("GET", f"/cards/{KEY}/x.png?ref={{ref}}", P.PREVIEW),
    Route("GET", "/case-studies/{ref}/edit", P.EDIT),
    Route("POST", "/case-studies/{ref}/edit", P.EDIT, {"title": ""}),
    Route("GET", "/new-case-study", P.ADD),
    Route("POST", "/new-case-study", P.ADD, {"ref": ""}),
    Route("POST", "/case-studies/{ref}/submit", P.SUBMIT),  # it is submitted already: 409
    Route("POST", "/case-studies/{ref}/withdraw", P.SUBMIT),  # withdrawn; then 409
    Route("POST", "/case-studies/{ref}/review", P.REVIEW, NOT_A_REVIEW),
    Route("POST", "/case-studies/{ref}/comments", P.COMMENT, {"body": " "}),
    Route("POST", "/case-studies/{ref}/approve", P.APPROVE),  # not escalated: 409
    Route("POST", "/case-studies/{ref}/reject", P.APPROVE, {"reason": " "}),
    Route("POST", "/case-studies/{ref}/queue", P.QUEUE, {"month": ""}),
    Route("GET", "/impact", P.BROWSE),
    Route("GET", "/impact.csv", P.BROWSE),
    Route("GET", "/impact/cards/x.png", P.BROWSE, absent=True),
    Route("GET", "/impact/charts/region.png", P.BROWSE, absent=True),
    Route("GET", "/impact/evidence.xlsx", P.BROWSE, absent=True),
    Route("GET", "/import", P.IMPORT),
    Route("GET", "/import/template.csv", P.IMPORT),
    Route("POST", "/import", P.IMPORT),
    Route("GET", "/import/not-a-token", P.IMPORT, absent=True),
    Route("POST", "/import/not-a-token/cancel", P.IMPORT, absent=True),
    Route("POST", "/import/not-a-token/confirm", P.IMPORT, absent=True),
    Route("GET", "/plan", P.READ),
    Route("GET", "/plan/year", P.READ),
    Route("GET", "/plan/2027-01/card.png", P.PREVIEW, absent=True),  # nothing queued
    Route("GET", "/plan/calendar", P.READ),
    Route("POST", "/plan/calendar", P.READ),
    Route("POST", "/plan/queue", P.QUEUE, {"month": "", "ref": ""}),
    Route("POST", "/plan/2027-01/unqueue", P.QUEUE),
    Route("POST", "/plan/swap", P.QUEUE, {"first": "", "second": ""}),
    Route("GET", "/engagement", P.READ),
    Route("GET", "/engagement.csv", P.READ),
    Route("GET", "/engagement/chart.png", P.READ, absent=True),
    Route("POST", "/settle/2026-12/x", P.SETTLE, {"settle-2026-12-x-resolution": "retry"}),
    Route("GET", "/publish/2026-12", P.PUBLISH_NOW),
    Route("POST", "/publish/2027-03", P.PUBLISH_NOW),
    Route("GET", "/users", P.MANAGE_USERS),
    Route("GET", "/users/new", P.MANAGE_USERS),
    Route("POST", "/users/new", P.MANAGE_USERS, {"name": ""}),
    Route("GET", "/users/sid", P.MANAGE_USERS),
    Route("GET", "/users/sid/one-time-password", P.MANAGE_USERS),  # none to show: back
    Route("POST", "/users/sid/role", P.MANAGE_USERS, {"role": "nobody"}),
    Route("POST", "/users/sid/email", P.MANAGE_USERS, {"email": ""}),
    Route("POST", "/users/sid/services", P.MANAGE_USERS, {"services": "Nowhere Library"}),
    Route("POST", "/users/sid/password", P.MANAGE_USERS, {"password_choice": "typed"}),
    Route("POST", "/users/sid/enable", P.MANAGE_USERS),
    Route("POST", "/users/sid/disable", P.MANAGE_USERS),
    Route("GET", "/invitations/new", P.MANAGE_USERS),
    Route("POST", "/invitations/new", P.MANAGE_USERS, {"email": ""}),
    Route("GET", "/services", P.MANAGE_SERVICES),
    Route("GET", "/services/new", P.MANAGE_SERVICES),
    Route("POST", "/services/new", P.MANAGE_SERVICES, {"name": ""}),
    Route("GET", f"/services/{SERVICE}", P.MANAGE_SERVICES),
    Route("POST", f"/services/{SERVICE}", P.MANAGE_SERVICES, {"region": "x" * 61}),
    Route("GET", "/audit", P.READ_AUDIT_LOG),
]
# Reachable without an account (each checks what it shows itself).
PUBLIC = {
    "/assets/<path:filename>",
    "/static/<path:filename>",
    "/healthz",
    "/login",
    "/login/sso",
    "/login/sso/callback",
    "/logout",
    "/plan.ics",
    "/invitation/<token>",
    "/gallery",
    "/gallery/feed.atom",
    "/gallery/case-studies/<ref>",
    "/gallery/case-studies/<ref>/cards/<platform>.png",
}
# Werkzeug's converters, as the table writes them.
CONVERTERS = {
    "<ref>": "{ref}",
    "<key>": KEY,
    "<int:service_id>": SERVICE,
    "<token>": "not-a-token",
    "<name>": None,
    "<month>": None,
    "<platform>": None,
    "<kind>": None,
}


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    """Northmoor and Southdown with their people, a submitted case study of each, and the
    cards of both rendered (a card address is only served once rendered)."""
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    two_services(made)
    load(made, submitted(OWN, title="Title of N-1", library_service=NORTH),
         submitted(OTHER, title="Title of S-1", library_service=SOUTH,
                   organisation="Southdown University Hospitals"))  # fmt: skip
    yield made
    made.ws.close()


def card_key(console: Console, ref: str) -> str:
    return vignette_cards(console.ws, ref).key


def service_id(console: Console) -> str:
    return str(next(s.id for s in list_services(console.ws, OPERATOR) if s.name == NORTH))


def answer(console: Console, route: Route, ref: str) -> int:
    path = route.on(ref, card_key(console, ref), service_id(console))
    if route.method == "POST":
        return console.post(path, route.data or {}).status_code
    return console.get(path).status_code


def test_the_table_lists_every_route_of_the_console(console: Console) -> None:
    listed = {(r.method, re.sub(r"\?.*", "", r.path)) for r in ROUTES}
    missing = []
    for rule in console.app.url_map.iter_rules():
        if rule.rule in PUBLIC:
            continue
        path = rule.rule
        for converter, stands_for in CONVERTERS.items():
            if converter in path and stands_for is None:  # any value the table chose
                path = re.sub(re.escape(converter), "[^/]+", path)
            elif stands_for is not None:
                path = path.replace(converter, stands_for)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if not any(m == method and re.fullmatch(path, p) for m, p in listed):
                missing.append(f"{method} {rule.rule}")
    assert missing == [], missing


@pytest.mark.parametrize("role", RANKED)
def test_each_role_reaches_exactly_the_routes_its_role_allows(console: Console, role: str) -> None:
    console.add_user("sam", role, services=(SOUTH,))
    console.sign_in("sam")
    answers = {route.rule: answer(console, route, OWN) for route in ROUTES}

    refused = {rule for rule, status in answers.items() if status == 403}
    assert refused == {r.rule for r in ROUTES if r.permission not in GRANTS[role]}
    for route in ROUTES:
        if route.permission in GRANTS[role]:
            wrong = (500, 404) if not route.absent else (500,)
            assert answers[route.rule] not in wrong, (route.rule, answers[route.rule])


def test_library_staff_reach_their_own_service_and_nothing_else(console: Console) -> None:
    console.sign_in("cara")  # Northmoor's contributor
    for route in ROUTES:
        status = answer(console, route, OWN)
        if route.permission in GRANTS["contributor"]:
            wrong = (403, 404, 500) if not route.absent else (403, 500)
            assert status not in wrong, (route.rule, status)
        else:
            assert status == 404, (route.rule, status)


def test_another_services_pages_cards_and_actions_answer_404_to_library_staff(
    console: Console,
) -> None:
    console.sign_in("cara")
    for route in [r for r in ROUTES if "{ref}" in r.path]:
        assert answer(console, route, OTHER) == 404, route.rule
    key = card_key(console, OTHER)
    assert console.get(f"/cards/{key}/x.png").status_code == 404  # without its ref too


def test_another_service_is_in_no_list_search_or_count_of_library_staff(
    console: Console,
) -> None:
    console.sign_in("cara")
    pages = ["/", "/case-studies", "/case-studies?q=Title", "/case-studies?status=submitted",
             "/case-studies?q=Southdown", "/impact", "/impact.csv", "/account"]  # fmt: skip
    for path in pages:
        text = console.get(path).text
        assert OTHER not in text and "Title of S-1" not in text, path
        assert SOUTH not in text and "Southdown University" not in text, path
    listing = console.get("/case-studies").text
    assert OWN in listing and re.search(r"\b1 case study\b", listing)


def test_a_signed_out_visitor_is_sent_to_sign_in_everywhere_but_the_public_pages(
    console: Console,
) -> None:
    for route in ROUTES:
        path = route.on(OWN, "0" * 32, "1")
        if route.method == "POST":  # without a session there is no CSRF token to send
            assert console.client.post(path, data=route.data or {}).status_code == 400, path
        else:
            assert console.client.get(path).location.startswith("/login?next="), path
    assert console.client.get("/login").status_code == 200
    assert console.client.get("/healthz").status_code == 200
