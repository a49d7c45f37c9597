"""A person's first single sign-on through the real provider on loopback: the account
with the email address the provider vouches for is bound to them, an invitation to that
address becomes their account, and a stranger from an allowed domain (with
`new_users = "contributor"`) becomes a contributor who waits for an admin; anything the
provider does not vouch for binds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.operations.accounts.invitations import invite, open_invitation
from scheduler.operations.accounts.users import set_services
from scheduler.web.frontend import Frontend
from tests.conftest import DEFAULT_SERVICE
from tests.sso_provider import Provider
from tests.web.conftest import OPERATOR, Console
from tests.web.sso_flow import account, account_with_email, sign_in_through, sso_console
from vignettes.store.models import AuditEvent

NHS = ["nhs.net"]


@pytest.fixture
def console(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> Console:
    return sso_console(tmp_path, frontend, sso_provider, monkeypatch, allowed_email_domains=NHS)


def audited(console: Console, action: str) -> list[dict[str, object]]:
    with console.ws.store.read() as session:
        events = session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
        return [{"actor": e.actor, "via": e.via, **e.detail} for e in events]


def test_a_first_sign_on_binds_the_account_with_the_verified_email(
    console: Console, sso_provider: Provider
) -> None:
    account_with_email(console, "priya", "editor", "priya@nhs.net")
    sso_provider.add_person("p-7f3", email="Priya@NHS.net", email_verified=True)
    assert sign_in_through(console, sso_provider, "p-7f3").location == "/"
    assert "priya (editor)" in console.get("/").text
    bound = account(console, "priya")
    assert (bound.sso_issuer, bound.sso_subject) == (sso_provider.issuer, "p-7f3")
    assert [e["user"] for e in audited(console, "user.sso-bind")] == ["priya"]


def test_entra_ids_verified_domain_claim_vouches_for_the_email(
    console: Console, sso_provider: Provider
) -> None:
    account_with_email(console, "priya", "viewer", "priya@nhs.net")
    sso_provider.add_person("entra-oid", email="priya@nhs.net", xms_edov=True)
    assert sign_in_through(console, sso_provider, "entra-oid").location == "/"
    assert account(console, "priya").sso_subject == "entra-oid"


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "priya@nhs.net"},  # nobody vouches for it
        {"email": "priya@nhs.net", "email_verified": False, "xms_edov": False},
    ],
)
def test_an_email_the_provider_does_not_vouch_for_binds_nothing(
    console: Console, sso_provider: Provider, claims: dict[str, object]
) -> None:
    account_with_email(console, "priya", "admin", "priya@nhs.net")
    sso_provider.add_person("unverified", **claims)
    page = sign_in_through(console, sso_provider, "unverified")
    assert page.status_code == 403 and "Ask an admin to add you" in page.text
    assert account(console, "priya").sso_subject is None


def test_an_email_outside_the_allowed_domains_binds_nothing(
    console: Console, sso_provider: Provider
) -> None:
    account_with_email(console, "gail", "admin", "gail@gmail.com")
    sso_provider.add_person("gail-sub", email="gail@gmail.com", email_verified=True)
    assert sign_in_through(console, sso_provider, "gail-sub").status_code == 403
    assert account(console, "gail").sso_subject is None


def test_an_invitation_becomes_the_account_with_its_role_and_services(
    console: Console, sso_provider: Provider
) -> None:
    invited = invite(console.ws, OPERATOR, "nina.patel@nhs.net", "reviewer", [DEFAULT_SERVICE])
    sso_provider.add_person("nina-sub", email="nina.patel@nhs.net", email_verified=True)
    assert sign_in_through(console, sso_provider, "nina-sub").location == "/"
    assert "nina.patel (reviewer)" in console.get("/").text
    made = account(console, "nina.patel")
    assert (made.email, made.sso_subject) == ("nina.patel@nhs.net", "nina-sub")
    assert open_invitation(console.ws, invited.link.rsplit("/", 1)[1]) is None  # used up
    [accepted] = audited(console, "user.accept-invitation")
    assert (accepted["user"], accepted["method"], accepted["invited_by"]) == (
        "nina.patel",
        "sso",
        "operator",
    )
    console.sign_out()
    assert sign_in_through(console, sso_provider, "nina-sub").location == "/"  # now bound


def test_an_expired_invitation_makes_no_account(console: Console, sso_provider: Provider) -> None:
    invite(console.ws, OPERATOR, "late@nhs.net", "viewer")
    console.idle(8 * 24 * 60)  # the invitation lasts 7 days
    sso_provider.add_person("late-sub", email="late@nhs.net", email_verified=True)
    page = sign_in_through(console, sso_provider, "late-sub")
    assert page.status_code == 403 and "Ask an admin to add you" in page.text


def test_a_stranger_from_an_allowed_domain_becomes_a_waiting_contributor(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = sso_console(tmp_path, frontend, sso_provider, monkeypatch,
                          allowed_email_domains=NHS, new_users="contributor")  # fmt: skip
    sso_provider.add_person("sam-sub", email="sam.jones@nhs.net", email_verified=True)
    assert sign_in_through(console, sso_provider, "sam-sub").location == "/waiting"
    page = console.get("/waiting")
    assert page.status_code == 200 and "Waiting for an admin" in page.text
    made = account(console, "sam.jones")
    assert (made.role, made.email, made.sso_subject) == (
        "contributor",
        "sam.jones@nhs.net",
        "sam-sub",
    )
    [joined] = audited(console, "user.sso-new-contributor")
    assert (joined["user"], joined["via"], joined["email"]) == (
        "sam.jones",
        "web",
        "sam.jones@nhs.net",
    )


def test_a_stranger_outside_the_allowed_domains_is_refused_even_so(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = sso_console(tmp_path, frontend, sso_provider, monkeypatch,
                          allowed_email_domains=NHS, new_users="contributor")  # fmt: skip
    sso_provider.add_person("out-sub", email="sam@example.com", email_verified=True)
    sso_provider.add_person("unsure-sub", email="sam@nhs.net", email_verified=False)
    for subject in ("out-sub", "unsure-sub"):
        page = sign_in_through(console, sso_provider, subject)
        assert page.status_code == 403 and "Ask an admin to add you" in page.text
    assert audited(console, "user.sso-new-contributor") == []


def test_a_new_account_takes_the_whole_address_when_the_name_is_taken(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = sso_console(tmp_path, frontend, sso_provider, monkeypatch,
                          allowed_email_domains=NHS, new_users="contributor")  # fmt: skip
    account_with_email(console, "sam", "admin", "sam@trust.example")
    sso_provider.add_person("other-sam", email="sam@nhs.net", email_verified=True)
    sign_in_through(console, sso_provider, "other-sam")
    assert account(console, "sam@nhs.net").sso_subject == "other-sam"
    assert account(console, "sam").sso_subject is None


@pytest.fixture
def waiting(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> Console:
    """Signed in as sam.jones, a contributor a first single sign-on just made."""
    console = sso_console(tmp_path, frontend, sso_provider, monkeypatch,
                          allowed_email_domains=NHS, new_users="contributor")  # fmt: skip
    sso_provider.add_person("sam-sub", email="sam.jones@nhs.net", email_verified=True)
    sign_in_through(console, sso_provider, "sam-sub")
    return console


@pytest.mark.parametrize(
    "path", ["/case-studies", "/new-case-study", "/plan", "/users", "/audit", "/account/password"]
)
def test_a_waiting_contributor_finds_no_other_page(waiting: Console, path: str) -> None:
    assert waiting.get("/").location == "/waiting"
    assert waiting.get(path).status_code == 404


def test_a_waiting_contributor_can_act_on_nothing_but_sign_out(waiting: Console) -> None:
    new = {"ref": "ICS-9", "title": "A draft", "library_service": DEFAULT_SERVICE}
    assert waiting.post("/new-case-study", new).status_code == 404
    page = waiting.get("/waiting").text
    assert 'href="/case-studies"' not in page and 'href="/plan"' not in page  # no navigation
    assert waiting.sign_out().location == "/login"
    assert waiting.get("/waiting").location == "/login?next=/waiting"


def test_once_an_admin_gives_a_service_the_contributor_is_home(waiting: Console) -> None:
    set_services(waiting.ws, OPERATOR, "sam.jones", [DEFAULT_SERVICE])
    assert waiting.get("/waiting").location == "/"
    home = waiting.get("/")
    assert home.status_code == 200 and "Your case studies" in home.text
    assert waiting.get("/case-studies").status_code == 200


def test_admins_see_who_waits_for_a_library_service(waiting: Console) -> None:
    waiting.sign_out()
    waiting.add_user("ada", "admin")
    waiting.sign_in("ada")
    row = waiting.get("/users").text.split("sam.jones", 1)[1].split("</tr>", 1)[0]
    assert "Waiting for a library service" in row
    set_services(waiting.ws, OPERATOR, "sam.jones", [DEFAULT_SERVICE])
    assert "Waiting for a library service" not in waiting.get("/users").text
