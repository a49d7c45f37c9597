"""The way from submission to showcase through the operations both interfaces share:
a contributor drafts and submits its own service's case study, a reviewer of another
service reviews it against the five criteria, an approver approves what was escalated,
and every act tells the right people through the outbox, once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scheduler.operations.accounts.permissions import PermissionDenied
from scheduler.operations.accounts.users import add_user
from scheduler.operations.actor import Actor
from scheduler.operations.content.approval import approve
from scheduler.operations.content.case_studies import case_studies, case_study
from scheduler.operations.content.editing import add_case_study, edit_case_study, fields_of
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.acts import OwnService, comment, review, submit, withdraw
from scheduler.operations.pipeline.queues import my_case_studies, review_queue
from scheduler.operations.pipeline.scope import account_actor
from scheduler.operations.pipeline.services import add_service
from tests.conftest import case_study_row, seed_directory
from vignettes.errors import ApprovalError, ImportRejected, NotFound
from vignettes.states import ReviewDecision
from vignettes.store.pipeline_models import EmailMessage
from vignettes.workflow import ReviewInput, WorkflowError

OPERATOR = Actor("operator", "cli")
NORTH, SOUTH = "Northmoor Healthcare Library", "Southdown Library Service"
ALL = frozenset({1, 2, 3, 4, 5})


@pytest.fixture
def people(ws: Workspace) -> dict[str, Actor]:
    seed_directory(ws.store, NORTH, SOUTH)
    for name, role, service in (
        ("cara", "contributor", NORTH),
        ("sid", "contributor", SOUTH),
        ("rita", "reviewer", SOUTH),
        ("rob", "reviewer", NORTH),
        ("ann", "approver", SOUTH),
    ):
        add_user(ws, OPERATOR, name, role, "a long enough passphrase", email=f"{name}@nhs.example",
                 services=[service])  # fmt: skip
    return {name: account_actor(ws, name, "web") for name in ("cara", "sid", "rita", "rob", "ann")}


def draft(ws: Workspace, who: Actor, ref: str = "P-1", **fields: object) -> None:
    row = case_study_row(ref, status=None, approved_by=None, approved_on=None, **fields)
    add_case_study(ws, who, {k: v for k, v in row.items() if k != "status"})


def emails(ws: Workspace) -> list[tuple[str, str]]:
    with ws.store.read() as session:
        rows = session.scalars(select(EmailMessage).order_by(EmailMessage.id))
        return [(m.to_address, m.subject.split(":")[0]) for m in rows]


def test_a_contributor_drafts_only_for_its_own_service(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    assert case_study(ws, "P-1").status == "draft"
    with pytest.raises(ImportRejected, match="not one of your library services"):
        draft(ws, people["cara"], "P-2", library_service=SOUTH)


def test_service_b_is_nowhere_for_service_a_contributor(ws: Workspace, people: dict) -> None:
    draft(ws, people["sid"], "S-1", library_service=SOUTH)
    draft(ws, people["cara"], "N-1")
    assert [r.ref for r in case_studies(ws, actor=people["cara"])] == ["N-1"]
    with pytest.raises(NotFound):
        case_study(ws, "S-1", people["cara"])
    for act in (submit, withdraw):
        with pytest.raises(NotFound):
            act(ws, people["cara"], "S-1")
    with pytest.raises(NotFound):
        comment(ws, people["cara"], "S-1", "hello")


def test_submitting_tells_the_reviewers_of_other_services_only(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    assert submit(ws, people["cara"], "P-1").state == "submitted"
    assert emails(ws) == [("rita@nhs.example", "Submitted for review")]
    assert review_queue(ws, people["rita"]).refs() == ["P-1"]
    assert review_queue(ws, people["rob"]).total == 0  # his own service


def test_a_reviewer_is_refused_on_their_own_service(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    with pytest.raises(OwnService, match="never reviews their own service"):
        review(ws, people["rob"], "P-1", ReviewInput(ALL, ReviewDecision.ACCEPT))
    assert case_study(ws, "P-1").status == "submitted"


def test_changes_requested_then_resubmitted_then_escalated_then_approved(
    ws: Workspace, people: dict
) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    asked = ReviewInput(frozenset({1, 2}), ReviewDecision.CHANGES, "Say what the library did.")
    assert review(ws, people["rita"], "P-1", asked).state == "changes_requested"
    assert my_case_studies(ws, people["cara"]).items[0].state == "changes_requested"
    fields = fields_of(case_study(ws, "P-1").content, None)
    edit_case_study(ws, people["cara"], "P-1", {**fields, "library_contribution": "A search."})
    submit(ws, people["cara"], "P-1")
    assert review(ws, people["rita"], "P-1", ReviewInput(ALL, ReviewDecision.ACCEPT)).state == (
        "escalated"
    )
    assert approve(ws, people["ann"], "P-1").status == "approved"
    assert emails(ws) == [
        ("rita@nhs.example", "Submitted for review"),
        ("cara@nhs.example", "Changes requested"),
        ("rita@nhs.example", "Submitted for review"),  # the second submission: a new email
        ("cara@nhs.example", "Accepted and escalated"),
        ("ann@nhs.example", "Escalated for approval"),
    ]


def test_accept_needs_criteria_one_to_three(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    with pytest.raises(WorkflowError, match="criteria 1, 2 and 3 met"):
        review(ws, people["rita"], "P-1", ReviewInput(frozenset({1, 2}), ReviewDecision.ACCEPT))
    done = review(
        ws, people["rita"], "P-1", ReviewInput(frozenset({1, 2, 3}), ReviewDecision.ACCEPT)
    )
    assert done.state == "accepted"  # 4 and 5 not met: listed, not escalated


def test_approval_needs_an_escalated_case_study(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    with pytest.raises(ApprovalError, match="only an escalated case study"):
        approve(ws, people["ann"], "P-1")


def test_an_edit_of_accepted_content_sends_it_back_to_submitted(
    ws: Workspace, people: dict
) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    review(ws, people["rita"], "P-1", ReviewInput(ALL, ReviewDecision.ACCEPT))
    fields = fields_of(case_study(ws, "P-1").content, None)
    edit_case_study(ws, people["cara"], "P-1", {**fields, "headline": "A new claim"})
    detail = case_study(ws, "P-1")
    assert detail.status == "submitted"
    assert "acceptance_voided" in [e.action for e in detail.history]


def test_a_contributor_may_withdraw_until_showcased(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    assert withdraw(ws, people["cara"], "P-1").state == "withdrawn"
    with pytest.raises(WorkflowError, match="cannot be withdrawn"):
        withdraw(ws, people["cara"], "P-1")


def test_a_contributor_cannot_review_or_approve(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    with pytest.raises(PermissionDenied):
        review(ws, people["cara"], "P-1", ReviewInput(ALL, ReviewDecision.ACCEPT))
    with pytest.raises(PermissionDenied):
        approve(ws, people["cara"], "P-1")


def test_the_thread_and_the_review_are_in_the_case_study(ws: Workspace, people: dict) -> None:
    draft(ws, people["cara"])
    submit(ws, people["cara"], "P-1")
    comment(ws, people["cara"], "P-1", "Happy to add the figures.")
    review(ws, people["rita"], "P-1", ReviewInput(frozenset({1, 2, 3}), ReviewDecision.ACCEPT,
                                                  notes={4: "no quote"}))  # fmt: skip
    detail = case_study(ws, "P-1", people["cara"])
    assert [(c.by, c.body) for c in detail.comments] == [("cara", "Happy to add the figures.")]
    latest = detail.to_json()["latest_review"]
    assert latest["decision"] == "accept" and latest["by"] == "rita"
    assert latest["criteria"]["4"] == {"met": False, "note": "no quote"}
    assert {e.action for e in detail.history} >= {"added", "submitted", "commented", "reviewed"}


def test_only_an_admin_or_the_operator_adds_a_library_service(ws: Workspace, people: dict) -> None:
    with pytest.raises(PermissionDenied):
        add_service(ws, people["ann"], "Fellside Library", region="North West")
    assert add_service(ws, OPERATOR, "Fellside Library", region="North West").name == (
        "Fellside Library"
    )
