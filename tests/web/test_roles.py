"""Roles: what each may do, checked by the view decorator and again by the operations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Blueprint

from scheduler.operations.accounts.permissions import Permission, PermissionDenied
from scheduler.operations.accounts.users import add_user, list_users
from scheduler.operations.actor import Actor
from scheduler.web.frontend import Frontend
from scheduler.web.guards import current_actor, is_guarded, requires
from tests.web.conftest import PASSWORD, Console, make_console

VIEWER = {"browse", "read", "preview"}
EDITOR = VIEWER | {"add", "edit", "import", "queue", "submit"}
REVIEWER = EDITOR | {"review", "comment"}
APPROVER = REVIEWER | {"approve"}
ADMIN = APPROVER | {
    "manage-users",
    "manage-services",
    "read-audit-log",
    "settle",
    "publish-now",
    "evidence-pack",
}
# Library staff: their own services' case studies only (the operations scope which).
CONTRIBUTOR = {"browse", "preview", "add", "edit", "submit", "comment"}
# What issues 13 and 20 say each role may do.
MAY = {
    "contributor": CONTRIBUTOR,
    "viewer": VIEWER,
    "editor": EDITOR,
    "reviewer": REVIEWER,
    "approver": APPROVER,
    "admin": ADMIN,
}


def probes() -> Blueprint:
    """One route per permission, answering with who acted (GET and POST)."""
    bp = Blueprint("probe", __name__)
    for permission in Permission:

        def probe() -> str:
            return f"done by {current_actor()}"

        probe.__name__ = f"probe_{permission.name.lower()}"
        view = requires(permission)(probe)
        bp.add_url_rule(f"/probe/{permission.value}", view_func=view, methods=["GET", "POST"])
    return bp


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, blueprints=[probes()])
    yield made
    made.ws.close()


@pytest.mark.parametrize("role", sorted(MAY))
def test_each_role_reaches_exactly_what_it_may_do(console: Console, role: str) -> None:
    console.add_user("sam", role, services=("Northmoor Healthcare Library",))
    console.sign_in("sam")
    reached = {p.value for p in Permission if console.get(f"/probe/{p.value}").status_code == 200}
    assert reached == MAY[role]


@pytest.mark.parametrize("role", sorted(set(MAY) - {"contributor", "admin"}))
def test_a_role_refused_is_told_it_lacks_permission(console: Console, role: str) -> None:
    console.add_user("sam", role)
    console.sign_in("sam")
    for beyond in sorted({p.value for p in Permission} - MAY[role]):
        refused = console.get(f"/probe/{beyond}")
        assert refused.status_code == 403
        assert "You do not have permission to do this" in refused.text


def test_library_staff_are_not_told_what_else_exists(console: Console) -> None:
    console.add_user("cara", "contributor", services=("Northmoor Healthcare Library",))
    console.sign_in("cara")
    for beyond in sorted({p.value for p in Permission} - CONTRIBUTOR):
        refused = console.get(f"/probe/{beyond}")
        assert refused.status_code == 404, beyond
        assert "permission" not in refused.text


def test_a_refused_post_changes_nothing_and_an_allowed_one_acts_as_the_person(
    console: Console,
) -> None:
    console.add_user("vera", "viewer")
    console.add_user("ed", "editor")
    console.sign_in("vera")
    assert console.post("/probe/queue").status_code == 403
    console.sign_out()
    console.sign_in("ed")
    assert console.post("/probe/queue").text == "done by ed (web)"


def test_a_signed_out_request_is_sent_to_sign_in(console: Console) -> None:
    response = console.get("/probe/read")
    assert response.location == "/login?next=/probe/read"


def test_every_view_checks_a_role_or_is_marked_public(console: Console) -> None:
    unguarded = [
        endpoint
        for endpoint, view in console.app.view_functions.items()
        if endpoint != "static" and not is_guarded(view)
    ]
    assert unguarded == []


def test_operations_refuse_a_web_actor_whose_role_is_too_low(console: Console) -> None:
    with pytest.raises(PermissionDenied, match=r"sam \(editor\) may not manage users"):
        add_user(console.ws, Actor("sam", "web", "editor"), "eve", "admin", PASSWORD,
                 email="eve@nhs.example")  # fmt: skip
    with pytest.raises(PermissionDenied):
        list_users(console.ws, Actor("anon", "web"))
    assert list_users(console.ws, Actor("operator", "cli")) == []
