"""Builders for the peer-review screens' tests: two library services, their people (a
contributor of each, a reviewer of each, an approver), a contributor's draft, and the
form of a review as the page sends it."""

from __future__ import annotations

from typing import Any

from scheduler.operations.content.editing import add_case_study
from scheduler.operations.pipeline.scope import account_actor
from tests.conftest import case_study_row, seed_directory
from tests.web.conftest import Console

NORTH, SOUTH = "Northmoor Healthcare Library", "Southdown Library Service"
PEOPLE = (
    ("cara", "contributor", NORTH),
    ("sid", "contributor", SOUTH),
    ("rita", "reviewer", SOUTH),
    ("rob", "reviewer", NORTH),
    ("ann", "approver", SOUTH),
)


def two_services(console: Console) -> Console:
    """The directory's two services and their people (signed out)."""
    seed_directory(console.ws.store, NORTH, SOUTH)
    for name, role, service in PEOPLE:
        console.add_user(name, role, services=(service,))
    return console


def draft(console: Console, ref: str, by: str = "cara", **fields: Any) -> None:
    """A contributor's draft of its own service's case study."""
    service = NORTH if by == "cara" else SOUTH
    row = case_study_row(ref, status=None, approved_by=None, approved_on=None,
                         library_service=service, title=f"Title of {ref}", **fields)  # fmt: skip
    add_case_study(console.ws, account_actor(console.ws, by, "web"), row)


def review_form(met: str = "12345", decision: str = "accept", message: str = "") -> dict[str, str]:
    """The review form as a reviewer fills it in: each criterion in `met` met, the others
    not; the decision; the message."""
    form = {f"met_{n}": "yes" if str(n) in met else "no" for n in range(1, 6)}
    return {**form, "decision": decision, "message": message}
