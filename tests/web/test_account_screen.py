"""Your account: every role sees its own role, email address and services and which emails
it gets; a peer reviewer chooses an email per submission or a daily digest, which the next
submission then follows."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.conftest import Console
from tests.web.pipeline_data import draft, two_services
from vignettes.store.pipeline_models import EmailMessage


def test_a_reviewer_chooses_a_daily_digest_and_the_next_submission_waits_for_it(
    console: Console,
) -> None:
    two_services(console)
    draft(console, "A-1")
    console.sign_in("rita")
    page = console.get("/account").text
    assert "Southdown Library Service" in page and "rita@nhs.example" in page
    assert 'value="immediate" checked' in page
    done = console.post("/account", {"choice": "daily"})
    assert "New submissions now reach you once a day, at 08:00." in console.get(done.location).text
    console.sign_out()
    console.sign_in("cara")
    console.post("/case-studies/A-1/submit")
    with console.ws.store.read() as session:
        [digest] = session.scalars(select(EmailMessage))
    assert digest.key.startswith("digest:") and digest.not_before > console.clock.now()


def test_library_staff_reach_their_account_and_choose_nothing(console: Console) -> None:
    two_services(console)
    console.sign_in("cara")
    page = console.get("/account").text
    assert "asks for changes to, accepts, escalates or rejects" in page
    assert 'name="choice"' not in page and "Change your password" in page
    assert console.get("/account/password").status_code == 200


def test_a_choice_that_is_not_offered_is_refused(console: Console) -> None:
    two_services(console)
    console.sign_in("rita")
    refused = console.post("/account", {"choice": "hourly"})
    assert refused.status_code == 400
    assert "&#39;hourly&#39; is not one of immediate, daily" in refused.text


def test_the_header_names_the_person_and_links_to_their_account(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert 'href="/account"' in console.get("/").text
