"""The add/edit form of a case study: what each field is called and says about itself, how
the form's values become the operation's fields, and how the operation's problems (each
naming an import field) become the error summary and the messages beside each field.

Every field, its label, hint, limit and section come from the declaration of the fields
(`vignettes.fields`, through the operations layer): the limits quoted in the hints are the
import's own, so a hint cannot promise what the validation would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scheduler.operations.content.editing import LIMITS, SPECS, WORKFLOW, FieldSpec
from scheduler.web.forms import CaseStudyForm


@dataclass(frozen=True)
class Field:
    """One field of the form, as the declaration of the fields (`vignettes.fields`) says."""

    name: str
    label: str
    kind: str  # input | text | number | categories | yesno | workflow-status
    hint: str = ""
    optional: bool = True
    section: str = ""

    @property
    def limit(self) -> int | None:
        return LIMITS.get(self.name)

    @property
    def shown_label(self) -> str:
        return f"{self.label} (optional)" if self.optional else self.label


def _field(spec: FieldSpec) -> Field:
    kind = "workflow-status" if spec.kind == "status" else spec.kind
    return Field(spec.name, spec.label, kind, spec.shown_hint, not spec.required, spec.section)


_ALL = tuple(_field(spec) for spec in (*SPECS, *WORKFLOW))
# The review fields: only for a person who may record an approval, when adding.
REVIEW: tuple[Field, ...] = tuple(f for f in _ALL if f.section == "Review")
CONTENT: tuple[Field, ...] = tuple(f for f in _ALL if f.section != "Review")
BY_NAME = {f.name: f for f in _ALL}


def fields_for(
    adding: bool, with_review: bool, *, service_required: bool = False
) -> tuple[Field, ...]:
    """The form's fields in order: the ref only when adding (it cannot change), and the
    review fields only when this person may record an approval there. `service_required`:
    the person must name one of their several library services (staff of one service
    may leave it empty)."""
    shown = tuple(
        replace(f, optional=False, hint=_CHOOSE_SERVICE)
        if service_required and f.name == "library_service"
        else f
        for f in CONTENT
        if adding or f.name != "ref"
    )
    return shown + (REVIEW if adding and with_review else ())


_CHOOSE_SERVICE = "One of your library services, as the directory spells it."


def record_from(form: CaseStudyForm, fields: Iterable[Field]) -> dict[str, Any]:
    """The operation's fields from the submitted form (text; a list for categories)."""
    record: dict[str, Any] = {}
    for spec in fields:
        value = form[spec.name].data
        record[spec.name] = value if isinstance(value, list) else (value or "")
    return record


def show_problems(
    form: CaseStudyForm, issues: Sequence[Any], fields: Sequence[Field]
) -> list[dict[str, str]]:
    """Put each problem beside its field and return the error summary's items, in the
    form's order; a problem with no field of the form links to the form's first field."""
    first = fields[0].name
    items: list[tuple[int, dict[str, str]]] = []
    order = {f.name: i for i, f in enumerate(fields)}
    for issue in issues:
        spec = BY_NAME.get(issue.field)
        message = f"{spec.label} {issue.reason}" if spec else _sentence(issue.reason)
        if spec and issue.field in order:
            form[issue.field].errors = [*form[issue.field].errors, message]
            items.append((order[issue.field], {"text": message, "href": f"#{issue.field}"}))
        else:
            items.append((-1, {"text": message, "href": f"#{first}"}))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
