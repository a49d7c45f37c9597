"""A case study's way from draft to showcase, said once: its states, the review decisions
and the five national criteria.

```
draft ─► submitted ─► changes_requested ─► submitted … ─► accepted ─► escalated
                 └──► rejected                          (criteria 1–3)  (4 and 5 too)
escalated ─► approved (hash-bound) ─► showcased (posted)
any state before showcased ─► withdrawn (its contributor withdraws it)
```

Accepted, escalated, approved and showcased case studies make the national listing.

Below them, the states of what publishing and engagement polling keep per month and post
(`PostState`, `SlotState`, `SnapshotState`), held by CHECK constraints (migration 0009).
StrEnum members are the strings stored, so `post.state == PostState.SENDING` and
`post.state == "sending"` agree.
Changing the content of an accepted, escalated or approved case study sends it back to
`submitted`: the acceptance and the approval were given to what it said then.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class CaseStudyState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    ESCALATED = "escalated"
    APPROVED = "approved"
    SHOWCASED = "showcased"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


S = CaseStudyState
STATE_VALUES: Final = tuple(s.value for s in CaseStudyState)
# The column's width: the longest state, with room for none longer.
STATE_LENGTH: Final = 20

# In the national listing: a reviewer accepted it (criteria 1–3 met).
ACCEPTED_STATES: Final = frozenset({S.ACCEPTED, S.ESCALATED, S.APPROVED, S.SHOWCASED})
# Approved for showcase (approval_hash then binds it to its content). A showcased case
# study keeps its approval: a month partly posted still sends its other platforms.
APPROVED_STATES: Final = frozenset({S.APPROVED, S.SHOWCASED})
# Waiting for a reviewer.
IN_REVIEW: Final = frozenset({S.SUBMITTED})
# A contributor may still work on it and submit it.
SUBMITTABLE: Final = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# Its contributor may withdraw it: anything not yet showcased, rejected or withdrawn.
WITHDRAWABLE: Final = frozenset(
    {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED, S.ESCALATED, S.APPROVED}
)
# A change of content sends these back to `submitted`.
REVIEW_VOIDED_BY_EDIT: Final = frozenset({S.ACCEPTED, S.ESCALATED, S.APPROVED})
# Final for a contributor: only an editor's edit or import brings one back (to submitted).
CLOSED: Final = frozenset({S.REJECTED, S.WITHDRAWN})


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    CHANGES = "changes"
    REJECT = "reject"


DECISION_VALUES: Final = tuple(d.value for d in ReviewDecision)

# The national criteria, numbered as reviewers know them. 1–3 accept a case study into
# the listing; 4 and 5 escalate it to the national leads for a vignette.
CRITERIA: Final[dict[int, str]] = {
    1: "A clear achievement",
    2: "A clear impact",
    3: "A clear role for the library",
    4: "A named library champion's quote, given with consent",
    5: "A quantified time or cost saving",
}
CORE_CRITERIA: Final = frozenset({1, 2, 3})
ESCALATION_CRITERIA: Final = frozenset({4, 5})


def review_outcome(decision: ReviewDecision, met: frozenset[int]) -> CaseStudyState:
    """The state a review leaves a submitted case study in. Raises ValueError for an
    accept that does not meet criteria 1–3 (the caller words it for the person)."""
    if decision is ReviewDecision.CHANGES:
        return S.CHANGES_REQUESTED
    if decision is ReviewDecision.REJECT:
        return S.REJECTED
    if not met >= CORE_CRITERIA:
        missing = ", ".join(str(n) for n in sorted(CORE_CRITERIA - met))
        raise ValueError(f"accepting needs criteria 1, 2 and 3 met (not met: {missing})")
    return S.ESCALATED if met >= ESCALATION_CRITERIA else S.ACCEPTED


class PostState(StrEnum):
    """One platform's post for a slot: `pending → sending → posted`, `sending → unknown`
    (the outcome of a send is unknown), `failed` (definitely not posted), `needs_reauth`."""

    PENDING = "pending"
    SENDING = "sending"
    POSTED = "posted"
    UNKNOWN = "unknown"
    FAILED = "failed"
    NEEDS_REAUTH = "needs_reauth"


class SlotState(StrEnum):
    """A month's showcase: `planned → publishing → published | partial | missed | skipped`."""

    PLANNED = "planned"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIAL = "partial"
    MISSED = "missed"
    SKIPPED = "skipped"


class SnapshotState(StrEnum):
    """One scheduled look at a post's engagement: `due → taken | skipped | unavailable`."""

    DUE = "due"
    TAKEN = "taken"
    SKIPPED = "skipped"
    UNAVAILABLE = "unavailable"
