"""Every route of the case-study screens, for every role: allowed ones are reached, the
others get 403, and nobody signed out gets past the sign-in page."""

from __future__ import annotations

import pytest

from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.content.cards import vignette_cards
from tests.web.conftest import Console
from tests.web.content import load, submitted

TOKEN = "A" * 32
ROUTES = [
    ("GET", "/case-studies", Permission.READ),
    ("GET", "/case-studies/M-1", Permission.READ),
    ("GET", "/cards/{key}/x.png", Permission.PREVIEW),
    ("GET", "/new-case-study", Permission.ADD),
    ("POST", "/new-case-study", Permission.ADD),
    ("GET", "/case-studies/M-1/edit", Permission.EDIT),
    ("POST", "/case-studies/M-1/edit", Permission.EDIT),
    ("POST", "/case-studies/M-1/queue", Permission.QUEUE),
    ("POST", "/case-studies/M-1/reject", Permission.APPROVE),
    ("POST", "/case-studies/M-1/approve", Permission.APPROVE),
    ("GET", "/import", Permission.IMPORT),
    ("POST", "/import", Permission.IMPORT),
    ("GET", f"/import/{TOKEN}", Permission.IMPORT),
    ("POST", f"/import/{TOKEN}/confirm", Permission.IMPORT),
    ("POST", f"/import/{TOKEN}/cancel", Permission.IMPORT),
]


def reach(console: Console, method: str, path: str) -> int:
    """The status of a request, 401 when it was sent to sign in."""
    if method == "GET":
        response = console.get(path)
    else:
        response = console.post(path, {"reason": "", "month": ""})
    return 401 if (response.location or "").startswith("/login") else response.status_code


@pytest.mark.parametrize("role", ["viewer", "editor", "approver", "admin"])
def test_each_role_reaches_exactly_the_routes_it_may(console: Console, role: str) -> None:
    load(console, submitted("M-1"))
    key = vignette_cards(console.ws, "M-1").key
    console.add_user("someone", role)
    console.sign_in("someone")
    for method, path, permission in ROUTES:
        status = reach(console, method, path.format(key=key))
        if allows(role, permission):
            assert status not in (401, 403), (method, path, status)
        else:
            assert status == 403, (method, path, status)


def test_nobody_signed_out_gets_past_sign_in(console: Console) -> None:
    for method, path, _ in ROUTES:
        response = console.client.open(path.format(key="0" * 32), method=method)
        if method == "GET":
            assert response.location.startswith("/login?next="), path
        else:  # a POST without a session has no CSRF token either
            assert response.status_code in (302, 400), path
