"""Sessions are kept on the server (issue 17, item 3): they end after the idle timeout and
the absolute lifetime, when their person signs out, changes or has reset their password,
is disabled or has a new role, and then no copy of the cookie opens them again."""

from __future__ import annotations

from pathlib import Path

from scheduler.operations.accounts.users import reset_password, set_role
from scheduler.web.frontend import Frontend
from tests.web.conftest import OPERATOR, PASSWORD, Console, make_console


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


def test_a_role_change_ends_the_session_and_applies_once_signed_in_again(
    console: Console,
) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    set_role(console.ws, OPERATOR, "priya", "approver")
    assert console.get("/").location == "/login?next=/"
    console.sign_in("priya")
    assert "priya (approver)" in console.get("/").text


def test_a_tampered_session_cookie_is_not_a_session(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    cookie = console.client.get_cookie("vignettes")
    assert cookie is not None
    console.client.set_cookie("vignettes", cookie.value[:-2] + "xx")
    assert console.get("/").location == "/login?next=/"


def copy_of_cookie(console: Console) -> str:
    cookie = console.client.get_cookie("vignettes")
    assert cookie is not None
    return cookie.value


def test_a_copy_of_the_cookie_is_refused_once_its_person_signs_out(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    copied = copy_of_cookie(console)
    console.sign_out()
    console.client.set_cookie("vignettes", copied)
    assert console.get("/").location == "/login?next=/"


def test_changing_your_password_ends_every_other_copy_but_not_yours(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    copied = copy_of_cookie(console)
    changed = console.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "another long passphrase",
            "confirm_password": "another long passphrase",
        },
    )
    assert changed.location == "/"
    assert console.get("/").status_code == 200
    console.client.set_cookie("vignettes", copied)
    assert console.get("/").location == "/login?next=/"


def test_a_busy_session_still_ends_after_its_lifetime_and_says_so(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        console.idle(20)
        assert console.get("/").status_code == 200
    console.idle(1)
    assert console.get("/").location == "/login?next=/"
    page = console.get("/login").text
    assert "You were signed out: a session lasts at most 12 hours." in page


def test_the_lifetime_follows_the_config(tmp_path: Path, frontend: Frontend) -> None:
    console = make_console(tmp_path, frontend, session_lifetime="1h")
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    for _ in range(3):
        console.idle(20)
        assert console.get("/").status_code == 200
    console.idle(1)
    assert console.get("/").status_code == 302
    console.ws.close()
