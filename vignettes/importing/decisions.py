"""The columns of an import file that record a decision (an approval, a rejection or a
withdrawal) rather than content: `status`, `approved_by`, `approved_on`.

Only the machine's operator may bring decisions in a file (`vignettes import`, where they
are the operator's own and audited in the operator's name; a new ref's `approved` counts
as accepted and escalated too, for legacy files). An upload in the console never decides
anything: it never accepts, escalates, approves, rejects or withdraws. A peer review and
an approval are people's acts on the case study's page, so there these columns are read
as nothing but a warning, once per column given. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vignettes.importing.cells import RowIssues, is_blank

DECISION_FIELDS = ("status", "approved_by", "approved_on")
DECISIONS_IGNORED = "ignored: peer review and approval are given on the case study's page"


def carries_decision(raw: Mapping[str, Any]) -> bool:
    """Whether a row records a decision: a status other than submitted (approved, rejected,
    withdrawn, or a word that is none of them), or who approved it, or when."""
    status = raw.get("status")
    if not is_blank(status) and str(status).strip().lower() != "submitted":
        return True
    return any(not is_blank(raw.get(name)) for name in DECISION_FIELDS[1:])


def ignored_decisions(raw: Mapping[str, Any], p: RowIssues) -> None:
    """Warn, once per column given, that a row's decision is not taken (an upload)."""
    for name in DECISION_FIELDS:
        value = raw.get(name)
        if is_blank(value) or (name == "status" and str(value).strip().lower() == "submitted"):
            continue
        p.warn(name, DECISIONS_IGNORED)
