"""How the console words things for people: lists ("X, LinkedIn and Bluesky"), durations
("1 hour", "7 days"), sentences that start with a capital, months by name inside the
operations' messages ("March 2027", never "2027-03"), and why a planned month will not be
sent.

Registered as Jinja filters and globals by the app factory (`FILTERS`, `GLOBALS`); every
function returns plain text, so whatever it is given stays escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scheduler.operations.content.import_columns import HEADERS, column_name
from scheduler.operations.months import Month
from scheduler.operations.showcase.planning import PlanEntry

# A month as the operations write it (2027-03), standing alone: not part of a date
# (2027-03-02), a ref (ICS-2027-03) or a longer number.
_MONTH = re.compile(r"(?<![\w-])(\d{4})-(0[1-9]|1[0-2])(?![\w-])")


def spoken_list(items: Iterable[object], conjunction: str = "and") -> str:
    """["X", "LinkedIn", "Bluesky"] → "X, LinkedIn and Bluesky" ("… or Bluesky")."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def sentence(text: str | None) -> str:
    """`text` starting with a capital letter (the rest as it is)."""
    text = (text or "").strip()
    return text[:1].upper() + text[1:]


def months_in_words(text: str) -> str:
    """Every month written 2027-03 in `text` as "March 2027" (dates, refs and other
    numbers are left alone): for the operations' messages, which name months as the
    command line takes them."""
    return _MONTH.sub(lambda m: Month(int(m[1]), int(m[2])).label, text)


def blocked_reason(entry: PlanEntry) -> str:
    """Why the month's case study will not be sent, as a sentence."""
    if entry.blocked == "changed" and "changed outside" in entry.note:
        return "It was changed outside impact-vignettes after it was approved: approve it again."
    if entry.blocked == "changed":
        return "It was changed after it was approved, so its approval was voided."
    if entry.blocked == "not-approved":
        return "It is not approved (never approved, rejected or withdrawn)."
    problem = entry.note.removeprefix(f"{entry.ref} cannot be posted: ")
    return sentence(f"it cannot be posted: {months_in_words(problem)}").rstrip(".") + "."


# The audit trail's actions as people say them; anything else is written out from its
# code ("auto_pick_released" → "Auto pick released").
ACTIONS = {
    "imported": "Imported",
    "added": "Added",
    "updated": "Changed",
    "approved": "Approved",
    "approval_voided": "Approval voided",
    "rejected": "Rejected",
    "resubmitted": "Submitted again",
    "queued": "Queued",
    "unqueued": "Unqueued",
    "swapped": "Swapped into",
    "submitted": "Submitted for review",
    "reviewed": "Peer reviewed",
    "acceptance_voided": "Acceptance voided",
    "commented": "Commented",
    "withdrawn": "Withdrawn",
    "showcased": "Showcased",
    "slot_fixed": "Chosen for the month",
    "reopened": "Reopened to publish late",
    "publish_forced": "Published outside the usual bounds",
    "resolved_posted": "Settled: it was on the account",
    "resolved_retry": "Settled: sent again",
    "user.sign-in": "Signed in",
    "user.change-password": "Changed their password",
    "user.calendar-token": "Made a calendar address",
    "user.add": "Added an account",
    "user.set-role": "Changed an account's role",
    "user.disable": "Disabled an account",
    "user.enable": "Enabled an account",
    "user.reset-password": "Reset an account's password",
}


def audit_action(action: str) -> str:
    """An audit-trail action as people say it."""
    known = ACTIONS.get(action)
    if known:
        return known
    return sentence(re.sub(r"[._-]+", " ", action.removeprefix("user.")))


# What the command line says about itself in a message, as a console page says it.
COMMANDS = {
    "vignettes approve": "Approve, on the case study's page",
    "vignettes categories": "the list of categories on the import page",
}
_BACKTICKED = re.compile(r"`([^`]+)`")
_FIELD = re.compile(r"'?\b(" + "|".join(n for n in HEADERS if "_" in n) + r")\b'?")


def field_label(name: str | None) -> str:
    """A field as an import file's column is called ("Time saved (hours)")."""
    return column_name(name or "")


def issue_text(reason: str) -> str:
    """An import problem's reason as a console page says it: fields by their column names,
    no command to run, no configuration syntax (whoever runs the server maps columns)."""
    text = _BACKTICKED.sub(lambda m: COMMANDS.get(m[1], m[1]), reason)
    text = text.replace(
        "(or map it in [import.columns])", "(or ask whoever runs the server to map it)"
    )
    return _FIELD.sub(lambda m: f"'{field_label(m[1])}'", text)


FILTERS = {
    "audit_action": audit_action,
    "issue_text": issue_text,
    "field_label": field_label,
    "spoken_list": spoken_list,
    "sentence": sentence,
    "months_in_words": months_in_words,
}
GLOBALS = {"blocked_reason": blocked_reason}
