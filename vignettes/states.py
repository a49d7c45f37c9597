"""The states a post, a monthly slot and an engagement snapshot can be in, each said once:
the models' CHECK constraints (migration 0009) and the code that moves rows between states
both take them from here. StrEnum members are the strings stored, so `post.state ==
PostState.SENDING` and `post.state == "sending"` agree."""

from __future__ import annotations

from enum import StrEnum


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


def one_of(column: str, states: type[StrEnum]) -> str:
    """The SQL of a CHECK constraint holding `column` to `states`."""
    return f"{column} IN ({', '.join(repr(str(s)) for s in states)})"
