"""Every POST needs this session's CSRF token: the sign-in and sign-out forms refuse a
missing, forged or other session's token with the design system's error page."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, Console


def test_the_sign_in_form_carries_a_token_and_refuses_a_post_without_one(
    console: Console,
) -> None:
    console.add_user("priya", "editor")
    assert 'name="csrf_token" value="' in console.get("/login").text
    page = console.client.post("/login", data={"username": "priya", "password": PASSWORD})
    assert page.status_code == 400
    assert "Sorry, the form could not be sent" in page.text
    assert console.get("/").location == "/login?next=/"  # not signed in


@pytest.mark.parametrize("token", ["", "forged", "IjAwMDAwMDAwMDAwMDAwMDAwMDAi.aw7ZDA.x"])
def test_a_forged_token_is_refused(console: Console, token: str) -> None:
    console.add_user("priya", "editor")
    data = {"csrf_token": token, "username": "priya", "password": PASSWORD}
    assert console.client.post("/login", data=data).status_code == 400


def test_a_token_from_another_session_is_refused(console: Console) -> None:
    console.add_user("priya", "editor")
    theirs = console.app.test_client()
    token = theirs.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"csrf_token": token, "username": "priya", "password": PASSWORD}
    assert console.client.post("/login", data=data).status_code == 400


def test_signing_out_without_the_token_does_not_sign_out(console: Console) -> None:
    console.add_user("priya", "editor")
    console.sign_in("priya")
    refused = console.client.post("/logout")
    assert refused.status_code == 400
    assert "Sorry, the form could not be sent" in refused.text
    assert console.get("/").status_code == 200  # still signed in


def test_signing_out_is_never_a_get(console: Console) -> None:
    console.add_user("priya", "editor")
    console.sign_in("priya")
    page = console.get("/logout")
    assert page.status_code == 405
    assert set(page.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert console.get("/").status_code == 200
