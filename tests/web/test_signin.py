"""Signing in and out at /login: the happy path, wrong details, disabled accounts,
`next=` that stays on the site, and the one-time password that must be changed."""

from __future__ import annotations

import pytest

from scheduler.operations.accounts.users import disable_user, first_admin
from tests.web.conftest import OPERATOR, PASSWORD, Console, error_summary


def test_a_person_signs_in_and_lands_on_home_signed_in(console: Console) -> None:
    console.add_user("priya", "editor")
    response = console.sign_in("Priya ")  # names are not case sensitive
    assert (response.status_code, response.location) == (302, "/")
    home = console.get("/").text
    assert "priya (editor)" in home
    assert ">Sign out</button>" in home


def test_pages_send_a_signed_out_person_to_sign_in_and_back(console: Console) -> None:
    response = console.get("/")
    assert (response.status_code, response.location) == (302, "/login?next=/")
    console.add_user("priya", "viewer")
    assert console.sign_in("priya", next="/").location == "/"


def test_a_wrong_password_is_refused_with_the_error_summary(console: Console) -> None:
    console.add_user("priya", "editor")
    page = console.sign_in("priya", "not the password at all")
    assert page.status_code == 200
    assert error_summary(page.text) == ["Enter a correct username and password"]
    assert "There is a problem" in page.text
    assert "<title>Error: Sign in – Impact vignettes</title>" in page.text
    assert 'value="priya"' in page.text and "not the password" not in page.text
    assert console.get("/").status_code == 302


def test_an_unknown_name_gets_the_same_answer_as_a_wrong_password(console: Console) -> None:
    page = console.sign_in("nobody", "whatever it is here")
    assert error_summary(page.text) == ["Enter a correct username and password"]


def test_empty_fields_are_named_in_the_error_summary(console: Console) -> None:
    page = console.post("/login", {"username": "", "password": ""})
    assert error_summary(page.text) == ["Enter your username", "Enter your password"]
    assert 'href="#username"' in page.text and 'href="#password"' in page.text


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(console: Console) -> None:
    console.add_user("priya", "editor")
    console.add_user("root", "admin")
    console.sign_in("priya")
    disable_user(console.ws, OPERATOR, "priya")
    assert console.get("/").location == "/login?next=/"
    page = console.sign_in("priya")
    assert error_summary(page.text) == [
        "This account has been disabled. Ask an admin to enable it."
    ]


def test_signing_out_ends_the_session(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    response = console.sign_out()
    assert response.location == "/login"
    assert "You have signed out." in console.get("/login").text
    assert console.get("/").location == "/login?next=/"


@pytest.mark.parametrize(
    "target", ["/account/password", "/?month=2027-01", "/case-studies/ICS-2026-001"]
)
def test_next_returns_to_a_page_of_this_site(console: Console, target: str) -> None:
    console.add_user("priya", "viewer")
    response = console.client.get(f"/login?next={target}")
    assert f'name="next" type="hidden" value="{target}"' in response.text
    assert console.sign_in("priya", next=target).location == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x=1".replace("%0d%0a", "\r\n"),
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(console: Console, target: str) -> None:
    console.add_user("priya", "viewer")
    response = console.post("/login", {"username": "priya", "password": PASSWORD, "next": target})
    assert response.location == "/"


def test_a_one_time_password_must_be_changed_before_anything_else(console: Console) -> None:
    one_time = first_admin(console.ws, OPERATOR)
    assert one_time and first_admin(console.ws, OPERATOR) is None  # once only
    response = console.sign_in("admin", one_time)
    assert response.location == "/account/password"
    assert console.get("/").location == "/account/password?next=/"
    changed = console.post(
        "/account/password",
        {"current_password": one_time, "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert changed.location == "/"
    assert "Your password has been changed." in console.get("/").text


def test_a_new_password_that_breaks_the_rules_is_explained(console: Console) -> None:
    console.add_user("priya", "viewer")
    console.sign_in("priya")
    page = console.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "other"},
    )
    assert error_summary(page.text) == ["The passwords do not match"]
    page = console.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert error_summary(page.text) == [
        "The password is too short: use at least 10 characters (it has 5)"
    ]
