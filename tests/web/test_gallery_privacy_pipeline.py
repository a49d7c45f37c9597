"""Nothing the review pipeline keeps reaches a public page: a case study goes through the
real pipeline (drafted, submitted, commented on, peer-reviewed with a note on every
criterion, accepted into the listing), another is sent back for changes, people are
invited, the outbox fills with the emails all this causes, accounts have email addresses,
library services and SSO identities; then every gallery page, filter, case-study page,
card and the feed are crawled and each private value is looked for in every one of them."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, update

from scheduler.operations.accounts.invitations import invite
from scheduler.operations.content.editing import add_case_study
from scheduler.operations.pipeline.acts import ReviewInput, comment, review, submit
from scheduler.operations.pipeline.scope import account_actor
from scheduler.web.frontend import Frontend
from tests.conftest import case_study_row, seed_directory
from tests.web.conftest import OPERATOR, Console
from tests.web.gallery_data import gallery_console, pages
from vignettes.states import ReviewDecision
from vignettes.store.account_models import User
from vignettes.store.pipeline_models import Comment, EmailMessage, Invitation, Review

NORTH, SOUTH = "Northmoor Healthcare Library", "Southdown Library Service"
CONTRIBUTOR, REVIEWER, APPROVER = "corvinacontributes", "rhiannonreviews", "astridapproves"
SSO_SUBJECT = "sso-subject-5f1c9a77e2b04d1e"
# Each criterion's note, the decision message and the comment thread are private.
NOTES = {n: f"Private note on criterion {n}: the ward sister's rota" for n in range(1, 6)}
PRIVATE = {
    "review message": "Accepted; please never quote the matron's email verbatim",
    "changes message": "Send back: it names the patient's bay number",
    "changes note": "Criterion two note: bay number shown in the summary",
    "contributor comment": "Our director asked us not to publish the budget line",
    "reviewer comment": "Thread reply: agreed, the budget line stays internal",
    "invited email": "invitee.secret@library.nhs.example",
    "sso subject": SSO_SUBJECT,
}


@dataclass
class Pipeline:
    console: Console
    invitation_token: str


def _person(console: Console, name: str, role: str, service: str) -> None:
    console.add_user(name, role, services=(service,))


@pytest.fixture
def pipeline(tmp_path: Path, frontend: Frontend, db_url: str) -> Iterator[Pipeline]:
    console = gallery_console(tmp_path, frontend, db_url, feed_accepted=True)
    ws = console.ws
    seed_directory(ws.store, NORTH, SOUTH)
    _person(console, CONTRIBUTOR, "contributor", NORTH)
    _person(console, REVIEWER, "reviewer", SOUTH)
    _person(console, APPROVER, "approver", SOUTH)
    contributor = account_actor(ws, CONTRIBUTOR, "web")
    reviewer = account_actor(ws, REVIEWER, "web")
    for ref, title in (("PIPE-1", "Evidence on falls prevention"), ("PIPE-2", "Sepsis bundle")):
        row = case_study_row(ref, status=None, approved_by=None, approved_on=None,
                             library_service=NORTH, title=title)  # fmt: skip
        add_case_study(ws, contributor, row)
        submit(ws, contributor, ref)
    comment(ws, contributor, "PIPE-1", PRIVATE["contributor comment"])
    comment(ws, reviewer, "PIPE-1", PRIVATE["reviewer comment"])
    accept = ReviewInput(frozenset({1, 2, 3}), ReviewDecision.ACCEPT,
                         PRIVATE["review message"], NOTES)  # fmt: skip
    review(ws, reviewer, "PIPE-1", accept)
    changes = ReviewInput(frozenset({1}), ReviewDecision.CHANGES, PRIVATE["changes message"],
                          {2: PRIVATE["changes note"]})  # fmt: skip
    review(ws, reviewer, "PIPE-2", changes)
    invited = invite(ws, OPERATOR, PRIVATE["invited email"], "contributor", [NORTH])
    with ws.store.write() as session:
        session.execute(
            update(User)
            .where(User.name == REVIEWER)
            .values(sso_issuer="https://login.nhs.example", sso_subject=SSO_SUBJECT)
        )
    yield Pipeline(console, invited.link.rsplit("/", 1)[1])
    ws.close()


def _stored_secrets(pipeline: Pipeline) -> dict[str, str]:
    """Every private value as the database holds it: the fixed ones above, each outbox
    message's subject, address and every line of its body, every account's email, and
    the invitation's token and its hash."""
    found = {**PRIVATE, **{f"note {n}": note for n, note in NOTES.items()}}
    found["invitation token"] = pipeline.invitation_token
    with pipeline.console.ws.store.read() as session:
        for message in session.scalars(select(EmailMessage)):
            found[f"email {message.id} subject"] = message.subject
            found[f"email {message.id} address"] = message.to_address
            for n, line in enumerate(message.body.splitlines()):
                # The signature is the same on every email and says nothing private.
                if len(line) >= 20 and "does not read replies" not in line:
                    found[f"email {message.id} body line {n}"] = line
        for user in session.scalars(select(User)):
            found[f"{user.name}'s name"] = user.name
            if user.email:
                found[f"{user.name}'s email"] = user.email
        for invitation in session.scalars(select(Invitation)):
            found["invitation token hash"] = invitation.token_hash
    return found


def test_no_public_page_shows_the_pipelines_private_data(pipeline: Pipeline) -> None:
    crawled = dict(pages(pipeline.console))
    assert "/gallery/case-studies/PIPE-1" in crawled  # the accepted one is listed
    assert "/gallery/case-studies/PIPE-2" not in crawled  # sent back: not listed
    secrets = _stored_secrets(pipeline)
    for address, body in crawled.items():
        shown = html.unescape(body)
        for what, secret in secrets.items():
            assert secret not in shown, f"{what} ({secret!r}) shown on {address}"


def test_the_crawl_met_every_kind_of_private_record(pipeline: Pipeline) -> None:
    # The private values above are really in the database the pages were made from.
    with pipeline.console.ws.store.read() as session:
        reviews = session.scalars(select(Review).order_by(Review.id)).all()
        comments = set(session.scalars(select(Comment.body)))
        outbox = session.scalars(select(EmailMessage)).all()
        invitations = session.scalars(select(Invitation.email)).all()
        subjects = session.scalars(select(User.sso_subject).where(User.name == REVIEWER)).all()
    assert [r.decision for r in reviews] == ["accept", "changes"]
    assert reviews[0].by == REVIEWER and reviews[0].message == PRIVATE["review message"]
    assert sorted(reviews[0].notes.values()) == sorted(NOTES.values())
    assert {PRIVATE["contributor comment"], PRIVATE["reviewer comment"]} <= comments
    assert {m.to_address for m in outbox} >= {f"{REVIEWER}@nhs.example"}
    assert any("PIPE-1" in m.body or "falls prevention" in m.body for m in outbox)
    assert invitations == [PRIVATE["invited email"]]
    assert subjects == [SSO_SUBJECT]
    listed = pipeline.console.get("/gallery/case-studies/PIPE-1")
    assert listed.status_code == 200 and "Evidence on falls prevention" in listed.text
