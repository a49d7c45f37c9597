"""Peer review on a case study's page: its contributor submits it and may withdraw it, a
reviewer of another library service records the five criteria, a decision and a message,
and both write in its comment thread; every act a CSRF-checked POST, refused by role and by
service, then back to the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from scheduler.operations.content.case_studies import case_study
from tests.web.conftest import Console, error_summary
from tests.web.content import ESCAPED, PAYLOADS
from tests.web.pipeline_data import draft, review_form, two_services
from vignettes.store.pipeline_models import EmailMessage


@pytest.fixture
def people(console: Console) -> Console:
    two_services(console)
    draft(console, "D-1")
    return console


def forms(page: str, ref: str = "D-1") -> set[str]:
    return set(re.findall(rf'action="/case-studies/{ref}/(\w+)"', page))


def emails_to(console: Console) -> list[str]:
    with console.ws.store.read() as session:
        return list(session.scalars(select(EmailMessage.to_address).order_by(EmailMessage.id)))


def submitted_by_cara(console: Console) -> None:
    console.sign_in("cara")
    console.post("/case-studies/D-1/submit")
    console.sign_out()


def test_a_contributor_submits_their_draft_from_its_page(people: Console) -> None:
    people.sign_in("cara")
    page = people.get("/case-studies/D-1").text
    assert {"submit", "withdraw", "comments"} <= forms(page) and "review" not in forms(page)
    done = people.post("/case-studies/D-1/submit")
    assert (done.status_code, done.location) == (302, "/case-studies/D-1")
    assert (
        "D-1 is submitted: peer reviewers from other library services"
        in people.get(done.location).text
    )
    assert case_study(people.ws, "D-1").status == "submitted"
    assert emails_to(people) == ["rita@nhs.example"]  # not rob: his own service


def test_a_reviewer_of_another_service_asks_for_changes_and_the_contributor_reads_why(
    people: Console,
) -> None:
    submitted_by_cara(people)
    people.sign_in("rita")
    assert "review" in forms(people.get("/case-studies/D-1").text)
    sent = review_form("12", "changes", "Say what the library did.")
    done = people.post("/case-studies/D-1/review", {**sent, "note_3": "The role is unclear"})
    assert done.status_code == 302
    people.sign_out()
    people.sign_in("cara")
    page = people.get("/case-studies/D-1").text
    assert "Changes requested" in page and "Say what the library did." in page
    assert "The role is unclear" in page and "submit" in forms(page)


def test_accepting_with_all_five_escalates_it_to_the_approvers(people: Console) -> None:
    submitted_by_cara(people)
    people.sign_in("rita")
    done = people.post("/case-studies/D-1/review", review_form("12345", "accept"))
    assert "D-1 is accepted and escalated" in people.get(done.location).text
    assert case_study(people.ws, "D-1").status == "escalated"
    assert emails_to(people)[-2:] == ["cara@nhs.example", "ann@nhs.example"]


def test_a_review_answers_every_criterion_and_says_why_it_asks_for_changes(
    people: Console,
) -> None:
    submitted_by_cara(people)
    people.sign_in("rita")
    empty = people.post("/case-studies/D-1/review", {})
    assert empty.status_code == 400
    summary = error_summary(empty.text)
    assert summary[0] == "Select whether criterion 1 is met: A clear achievement"
    assert (len(summary), summary[-1]) == (6, "Select a decision")  # the five, then this
    silent = people.post("/case-studies/D-1/review", review_form("1", "changes"))
    assert silent.status_code == 409
    why = "Say what to change, or why it is rejected, in the message"
    assert error_summary(silent.text) == [why]
    assert 'href="#message"' in silent.text
    short = people.post("/case-studies/D-1/review", review_form("12", "accept"))
    assert error_summary(short.text) == ["Accepting needs criteria 1, 2 and 3 met (not met: 3)"]
    assert case_study(people.ws, "D-1").status == "submitted"


def test_a_reviewer_is_refused_on_their_own_service(people: Console) -> None:
    submitted_by_cara(people)
    people.sign_in("rob")
    page = people.get("/case-studies/D-1").text
    assert "review" not in forms(page)
    assert "a reviewer of another library service reviews it" in page
    refused = people.post("/case-studies/D-1/review", review_form())
    assert refused.status_code == 409
    assert "a reviewer never reviews their own service" in error_summary(refused.text)[0]
    assert case_study(people.ws, "D-1").reviews == ()


def test_the_comment_thread_is_plain_text_between_contributor_and_reviewer(
    people: Console,
) -> None:
    submitted_by_cara(people)
    people.sign_in("rita")
    people.post("/case-studies/D-1/comments", {"body": PAYLOADS["title"]})
    people.sign_out()
    people.sign_in("cara")
    assert people.post("/case-studies/D-1/comments", {"body": "  "}).status_code == 400
    done = people.post("/case-studies/D-1/comments", {"body": "Figures added."})
    assert done.location == "/case-studies/D-1#comments"
    thread = people.get("/case-studies/D-1").text.split('id="comments"', 1)[1]
    assert ESCAPED in thread and "<script>window.__xss" not in thread
    assert thread.index("rita") < thread.index("Figures added.")


def test_a_contributor_withdraws_it_and_can_then_do_no_more(people: Console) -> None:
    people.sign_in("cara")
    done = people.post("/case-studies/D-1/withdraw")
    assert "D-1 is withdrawn." in people.get(done.location).text
    assert forms(people.get("/case-studies/D-1").text) == {"comments"}
    again = people.post("/case-studies/D-1/submit")
    assert again.status_code == 409
    assert error_summary(again.text) == [
        "D-1 is withdrawn: only a draft or a case study with changes requested can be submitted"
    ]


def test_a_viewer_sees_no_act_and_is_refused_each(people: Console) -> None:
    submitted_by_cara(people)
    people.add_user("vera", "viewer")
    people.sign_in("vera")
    assert forms(people.get("/case-studies/D-1").text) == set()
    for act in ("submit", "withdraw", "review", "comments"):
        assert people.post(f"/case-studies/D-1/{act}", review_form()).status_code == 403


@pytest.mark.parametrize("act", ["submit", "withdraw", "review", "comments"])
def test_every_act_refuses_a_post_without_the_csrf_token(people: Console, act: str) -> None:
    submitted_by_cara(people)
    people.sign_in("rita")
    refused = people.client.post(f"/case-studies/D-1/{act}", data=review_form())
    assert refused.status_code == 400 and "Sorry, the form could not be sent" in refused.text
    assert case_study(people.ws, "D-1").status == "submitted"
