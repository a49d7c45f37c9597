"""Adding and editing a case study by hand (the console's form): every import field, through
the same validation and write as an import (`vignettes.importing.editing`), so nothing a
file may not do is possible here, and an edit of approved content voids the approval exactly as a
re-import does. The audit trail's `updated` line records the old and new value of each
changed field.

The workflow fields follow the roles: recording a case study as already approved, or
withdrawing one (`status` rejected or withdrawn), is an approver's decision; and with
`[web] four_eyes`, a person in the console cannot add a case study as approved (they
would be approving what they added).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.operations.accounts.permissions import Permission, actor_may, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import is_scoped, require_visible, service_policy
from vignettes.content import (
    LIMITS,
    MAX_HASHTAGS,
    MAX_IMPACT_CATEGORIES,
    SPECS,
    CaseStudyContent,
)
from vignettes.errors import ImportRejected
from vignettes.fields import WORKFLOW, FieldSpec
from vignettes.importing.editing import FORM_ROW, FORM_SOURCE, save_record
from vignettes.importing.issues import Issue
from vignettes.importing.report import ImportReport
from vignettes.states import CLOSED, CaseStudyState
from vignettes.store.queries import get_case_study

__all__ = [
    "FORM_SOURCE",
    "LIMITS",
    "MAX_HASHTAGS",
    "MAX_IMPACT_CATEGORIES",
    "SPECS",
    "WORKFLOW",
    "FieldSpec",
    "Saved",
    "add_case_study",
    "edit_case_study",
    "fields_of",
]

_WITHDRAWING = ("rejected", "withdrawn")


@dataclass(frozen=True)
class Saved:
    """What saving a form did: `changed` is False when the content was already so (nothing
    was written); `approval_voided` when the change took an approval away."""

    ref: str
    created: bool
    changed: bool
    approval_voided: bool
    withdrawn: bool
    queued_month: str | None
    notes: tuple[str, ...]
    warnings: tuple[Issue, ...]
    draft: bool = False  # added as a contributor's draft: nobody reviews it until submitted

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "created": self.created,
            "draft": self.draft,
            "changed": self.changed,
            "approval_voided": self.approval_voided,
            "withdrawn": self.withdrawn,
            "queued_month": self.queued_month,
            "notes": list(self.notes),
            "warnings": [w.to_json() for w in self.warnings],
        }


def add_case_study(ws: Workspace, actor: Actor, fields: Mapping[str, Any]) -> Saved:
    """Add a new case study from `fields` (import field names; text values, or lists for
    impact_categories and hashtags). Raises PermissionDenied, or ImportRejected whose
    `issues` each name the field at fault (nothing is written)."""
    require(actor, Permission.ADD)
    _check_workflow(ws, actor, fields, adding=True)
    report = save_record(
        ws.store,
        fields,
        ref=None,
        now=ws.now(),
        actor=actor.name,
        schedule=ws.config.schedule,
        rules=ws.config.importing,
        via=actor.via,
        services=service_policy(actor),
        draft=is_scoped(actor),
    )
    return dataclasses.replace(_saved(report, created=True), draft=is_scoped(actor))


def edit_case_study(
    ws: Workspace,
    actor: Actor,
    ref: str,
    fields: Mapping[str, Any],
    *,
    expected_hash: str | None = None,
) -> Saved:
    """Change case study `ref` to `fields` (as for `add_case_study`; the ref itself cannot
    change). `expected_hash` is the content hash the person started from: if someone else
    changed it since, the edit is refused. Raises PermissionDenied, NotFound, or
    ImportRejected naming each field at fault (nothing is written)."""
    require(actor, Permission.EDIT)
    _check_workflow(ws, actor, fields, adding=False)
    if is_scoped(actor):
        _check_contributor_may_edit(ws, actor, ref)
    report = save_record(
        ws.store,
        fields,
        ref=ref,
        now=ws.now(),
        actor=actor.name,
        schedule=ws.config.schedule,
        rules=ws.config.importing,
        via=actor.via,
        expected_hash=expected_hash,
        services=service_policy(actor),
    )
    return _saved(report, created=False)


def _check_contributor_may_edit(ws: Workspace, actor: Actor, ref: str) -> None:
    """A contributor edits its own services' case studies until they are showcased,
    rejected or withdrawn; raises NotFound (not theirs) or ImportRejected."""
    with ws.store.read() as session:
        cs = get_case_study(session, ref)
        require_visible(actor, cs)
        status = cs.status
    if status in CLOSED or status == CaseStudyState.SHOWCASED:
        reason = f"is {status}: it can no longer be changed (ask the comms team)"
        raise ImportRejected(FORM_SOURCE, [Issue(FORM_SOURCE, FORM_ROW, ref, "", reason)])


def _check_workflow(ws: Workspace, actor: Actor, fields: Mapping[str, Any], adding: bool) -> None:
    """Raise ImportRejected (field `status`) when the workflow fields ask for a decision
    the actor may not take."""
    status = str(fields.get("status") or "").strip().lower()
    reason = ""
    if status == "approved" and adding:
        if not actor_may(actor, Permission.APPROVE):
            reason = "approved can only be recorded by an approver: add it as submitted"
        elif actor.via == "web" and ws.config.web.four_eyes:
            reason = (
                "approved cannot be recorded by the person adding it (four eyes): add it as "
                "submitted, then ask another approver"
            )
    elif status in _WITHDRAWING and not actor_may(actor, Permission.APPROVE):
        reason = f"{status} can only be set by an approver (it withdraws the case study)"
    if reason:
        ref = str(fields.get("ref") or "")
        raise ImportRejected(FORM_SOURCE, [Issue(FORM_SOURCE, FORM_ROW, ref, "status", reason)])


def _saved(report: ImportReport, *, created: bool) -> Saved:
    refs = report.created or report.updated or report.unchanged or list(report.withdrawn)
    ref = refs[0] if refs else ""
    return Saved(
        ref=ref,
        created=created,
        changed=bool(report.created or report.updated),
        approval_voided=ref in report.approvals_voided,
        withdrawn=ref in report.withdrawn,
        queued_month=next(iter(report.queued), None),
        notes=tuple(report.notes),
        warnings=tuple(report.warnings),
    )


def fields_of(content: CaseStudyContent, requested_month: str | None) -> dict[str, Any]:
    """The form's fields for a stored case study, written as an import file would write
    them, so that saving them unchanged changes nothing."""
    fields: dict[str, Any] = {}
    for spec in SPECS:  # as the declaration of the fields says each is written
        value = getattr(content, spec.name)
        if spec.kind == "number":
            fields[spec.name] = _number(value)
        elif spec.kind == "categories":
            fields[spec.name] = list(value)
        elif isinstance(value, tuple):
            fields[spec.name] = "; ".join(value)
        else:
            fields[spec.name] = value
    fields["quote_consent"] = "yes" if content.quote_consent else "no" if content.quote_text else ""
    fields["showcase_month"] = requested_month or ""
    fields["contains_patient_data"] = "no"
    return fields


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else str(value)
