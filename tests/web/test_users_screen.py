"""Users (admins): add with a role and a one-time password shown once, after a redirect (or
a typed one), change a role, disable and enable, reset a password; the last active admin
is offered no role change or "Disable", and the server refuses both."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.accounts.passwords import ONE_TIME_ALPHABET
from scheduler.operations.accounts.users import list_users
from scheduler.web.frontend import Frontend
from tests.web.conftest import OPERATOR, PASSWORD, Console, make_console
from tests.web.plan_data import problems

ONE_TIME = re.compile(r'id="one-time-password" type="text" readonly value="([^"]+)"')


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend)
    made.add_user("ada", "admin")
    made.sign_in("ada")
    yield made
    made.ws.close()


def accounts(console: Console) -> dict[str, tuple[str, bool, bool]]:
    return {
        u.name: (u.role, u.disabled, u.must_change_password)
        for u in list_users(console.ws, OPERATOR)
    }


def test_adding_a_user_redirects_to_the_one_time_password_shown_once(console: Console) -> None:
    done = console.post(
        "/users/new",
        {
            "name": "Priya",
            "role": "editor",
            "password_choice": "one-time",
            "email": "p@nhs.example",
        },
    )
    assert (done.status_code, done.location) == (302, "/users/priya/one-time-password")

    page = console.get(done.location)

    assert page.status_code == 200 and "This is the only time it is shown" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    found = ONE_TIME.search(page.text)
    assert found and accounts(console)["priya"] == ("editor", False, True)
    again = console.get(done.location, follow_redirects=True).text
    assert "was shown once already" in again and found.group(1) not in again
    assert found.group(1) not in console.get("/users").text + console.get("/users/priya").text
    console.sign_out()
    assert console.sign_in("priya", found.group(1)).location == "/account/password"


def test_the_session_holds_a_seed_never_the_one_time_password(console: Console) -> None:
    done = console.post(
        "/users/new",
        {"name": "sam", "role": "viewer", "password_choice": "one-time", "email": "s@nhs.example"},
    )
    cookie = done.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    app = console.app
    held = json.dumps(app.session_interface.get_signing_serializer(app).loads(cookie))
    found = ONE_TIME.search(console.get(done.location).text)
    assert found and found.group(1) not in held and "seed" in held


def test_a_one_time_password_has_no_look_alikes_and_is_grouped_for_reading_aloud(
    console: Console,
) -> None:
    done = console.post(
        "/users/new",
        {"name": "sam", "role": "viewer", "password_choice": "one-time", "email": "s@nhs.example"},
    )
    found = ONE_TIME.search(console.get(done.location).text)
    assert found
    groups = found.group(1).split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
    assert set("".join(groups)) <= set(ONE_TIME_ALPHABET)
    assert not set("0O1IL2Z5S8BUV") & set(ONE_TIME_ALPHABET)
    console.sign_out()
    typed_as_heard = " ".join(groups).lower()  # "k7mq 4xtp …" typed from a phone call
    assert console.sign_in("sam", typed_as_heard).location == "/account/password"


def test_an_admin_adds_a_user_with_a_typed_password(console: Console) -> None:
    done = console.post(
        "/users/new",
        {"name": "sam", "role": "viewer", "password_choice": "typed", "password": PASSWORD}
        | {"email": "sam@nhs.example"},
    )
    assert (done.status_code, done.location) == (302, "/users")
    assert "sam can now sign in as viewer." in console.get("/users").text
    assert accounts(console)["sam"] == ("viewer", False, False)


SAM = {"name": "sam", "email": "sam@nhs.example", "role": "viewer"}
TYPED = {**SAM, "password_choice": "typed"}
NOT_ADDED = [
    ({**SAM, "name": ""}, "Enter a user name"),
    ({**SAM, "name": "a b"}, "'a b' is not a user name: use 1 to 64 letters, digits"),
    ({**SAM, "email": ""}, "Enter their email address"),
    ({**SAM, "email": "sam at nhs"}, "'sam at nhs' is not an email address like name@nhs.net"),
    ({**SAM, "email": "ADA@nhs.example"}, "There is already an account with the email address"),
    (TYPED, "Enter a password, or choose a one-time password"),
    ({**TYPED, "password": "short"}, "The password is too short: use at least 10 characters"),
    ({**SAM, "name": "ada"}, "There is already a user called 'ada'"),
]


@pytest.mark.parametrize(("form", "expected"), NOT_ADDED)
def test_a_user_that_cannot_be_added_is_named_in_the_error_summary(
    console: Console, form: dict[str, str], expected: str
) -> None:
    page = console.post(
        "/users/new", {"password_choice": "one-time", "email": "x@nhs.example", **form}
    )
    assert page.status_code == 400
    [problem] = problems(page.text)
    assert problem.startswith(expected)
    assert set(accounts(console)) == {"ada"}


def test_an_admin_changes_a_role_disables_and_enables_an_account(console: Console) -> None:
    console.add_user("sam", "viewer")
    assert console.post("/users/sam/role", {"role": "approver"}).location == "/users/sam"
    assert "sam is now approver" in console.get("/users/sam").text
    console.post("/users/sam/disable")
    assert accounts(console)["sam"] == ("approver", True, False)
    assert "Enable sam" in console.get("/users/sam").text
    console.post("/users/sam/enable")
    assert accounts(console)["sam"] == ("approver", False, False)


def test_the_last_active_admin_is_offered_neither_a_role_change_nor_disable(
    console: Console,
) -> None:
    page = console.get("/users/ada").text
    assert "ada is the only active admin" in page
    assert "Disable ada" not in page and 'action="/users/ada/role"' not in page
    console.add_user("bea", "admin")
    page = console.get("/users/ada").text
    assert "Disable ada" in page and 'action="/users/ada/role"' in page


def test_the_last_admin_can_be_neither_demoted_nor_disabled(console: Console) -> None:
    message = "ada is the only admin: make another user admin first, or nobody could manage users"
    demoted = console.post("/users/ada/role", {"role": "viewer"})
    assert (demoted.status_code, problems(demoted.text)) == (400, [message])
    disabled = console.post("/users/ada/disable")
    assert (disabled.status_code, problems(disabled.text)) == (400, [message])
    assert accounts(console)["ada"] == ("admin", False, False)


def test_an_admin_resets_a_password_to_a_one_time_one(console: Console) -> None:
    console.add_user("sam", "viewer")
    done = console.post("/users/sam/password", {"password_choice": "one-time"})
    assert done.location == "/users/sam/one-time-password"
    page = console.get(done.location)
    found = ONE_TIME.search(page.text)
    assert found and "Password reset" in page.text
    assert accounts(console)["sam"] == ("viewer", False, True)
    console.sign_out()
    assert console.sign_in("sam").status_code == 200  # the old password no longer works
    assert console.sign_in("sam", found.group(1)).status_code == 302


def test_an_unknown_user_is_not_found(console: Console) -> None:
    assert console.get("/users/nobody").status_code == 404
    assert console.post("/users/nobody/role", {"role": "viewer"}).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor", "approver"])
def test_only_admins_reach_the_users_screens(console: Console, role: str) -> None:
    console.add_user("sam", role)
    console.sign_out()
    console.sign_in("sam")
    assert console.get("/users").status_code == 403
    assert console.post("/users/new", {"name": "eve", "role": "admin"}).status_code == 403
    assert console.post("/users/ada/disable").status_code == 403
    assert set(accounts(console)) == {"ada", "sam"} and not accounts(console)["ada"][1]


def test_an_admin_adds_library_staff_with_their_service(console: Console) -> None:
    form = {"name": "cara", "email": "cara@nhs.example", "role": "contributor",
            "password_choice": "typed", "password": PASSWORD,
            "services": "Northmoor Healthcare Library"}  # fmt: skip
    assert console.post("/users/new", form).location == "/users"
    [cara] = [u for u in list_users(console.ws, OPERATOR) if u.name == "cara"]
    assert cara.services == ("Northmoor Healthcare Library",)


def test_an_admin_changes_an_accounts_email_address_and_services(console: Console) -> None:
    console.add_user("sam", "reviewer")
    page = console.get("/users/sam").text
    assert 'value="sam@nhs.example"' in page and 'value="Northmoor Healthcare Library"' in page
    done = console.post("/users/sam/email", {"email": "Sam.Jones@NHS.example"})
    assert (
        "sam&#39;s email address is now sam.jones@nhs.example." in console.get(done.location).text
    )
    taken = console.post("/users/sam/email", {"email": "ada@nhs.example"})
    assert problems(taken.text) == [
        "There is already an account with the email address ada@nhs.example"
    ]
    console.post("/users/sam/services", {"services": "Northmoor Healthcare Library"})
    [sam] = [u for u in list_users(console.ws, OPERATOR) if u.name == "sam"]
    assert (sam.email, sam.services) == ("sam.jones@nhs.example", ("Northmoor Healthcare Library",))
    console.post("/users/sam/services", {})
    assert "sam belongs to no library service" in console.get("/users/sam").text
    assert console.post("/users/nobody/email", {"email": "x@nhs.example"}).status_code == 404
