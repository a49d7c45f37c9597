"""Sessions end after the idle timeout, when the password is reset, and never outlive a
disabled account; a role change applies at the next request."""

from __future__ import annotations

from pathlib import Path

from scheduler.operations.accounts.users import reset_password, set_role
from scheduler.web.frontend import Frontend
from tests.web.conftest import OPERATOR, Console, make_console


def test_an_idle_session_ends_after_the_timeout_and_says_so(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    console.idle(29)
    assert console.get("/").status_code == 200  # activity restarts the clock
    console.idle(29)
    assert console.get("/").status_code == 200
    console.idle(31)
    response = console.get("/?month=2027-01")
    assert response.location == "/login?next=/?month%3D2027-01"
    page = console.get("/login").text
    assert "You were signed out after 30 minutes without activity." in page


def test_the_timeout_follows_the_config(tmp_path: Path, frontend: Frontend) -> None:
    console = make_console(tmp_path, frontend, session_timeout="1h30m")
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    console.idle(89)
    assert console.get("/").status_code == 200
    console.idle(91)
    assert console.get("/").status_code == 302
    assert "after 1 hour 30 minutes without activity" in console.get("/login").text
    console.ws.close()


def test_a_password_reset_ends_the_accounts_sessions(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    reset_password(console.ws, OPERATOR, "priya", "a brand new password")
    assert console.get("/").location == "/login?next=/"
    assert console.sign_in("priya", "a brand new password").location == "/"


def test_a_role_change_applies_at_the_next_request(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    set_role(console.ws, OPERATOR, "priya", "approver")
    assert "priya (approver)" in console.get("/").text


def test_a_tampered_session_cookie_is_not_a_session(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    cookie = console.client.get_cookie("vignettes")
    assert cookie is not None
    console.client.set_cookie("vignettes", cookie.value[:-2] + "xx")
    assert console.get("/").location == "/login?next=/"
