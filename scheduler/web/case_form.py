"""The add/edit form of a case study: what each field is called and says about itself, how
the form's values become the operation's fields, and how the operation's problems (each
naming an import field) become the error summary and the messages beside each field.

The limits quoted in the hints are the import's own (`LIMITS`), so a hint cannot promise
what the validation would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.operations.content.editing import LIMITS, MAX_HASHTAGS, MAX_IMPACT_CATEGORIES
from scheduler.web.forms import CaseStudyForm

WORKFLOW = ("status", "approved_by", "approved_on")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # input | text | number | categories | yesno | workflow-status
    hint: str = ""
    optional: bool = True

    @property
    def limit(self) -> int | None:
        return LIMITS.get(self.name)

    @property
    def shown_label(self) -> str:
        return f"{self.label} (optional)" if self.optional else self.label


def _chars(name: str, what: str = "") -> str:
    return f"{what}Up to {LIMITS[name]:,} characters.".strip()


CONTENT: tuple[Field, ...] = (
    Field(
        "ref",
        "Reference",
        "input",
        f"Up to {LIMITS['ref']} letters, digits, dots, dashes or underscores, for example "
        "ICS-2026-014. It cannot be changed later.",
        optional=False,
    ),
    Field("title", "Title", "input", _chars("title"), optional=False),
    Field("organisation", "Organisation", "input", _chars("organisation"), optional=False),
    Field("library_service", "Library service", "input", _chars("library_service")),
    Field("region", "Region", "input", _chars("region", "The NHS region. ")),
    Field("headline", "Card headline", "input", _chars("headline", "Large on the card. "), False),
    Field("summary", "Summary", "text", "The vignette text, on the card and in the posts.", False),
    Field("background", "Background", "text", "The challenge or question."),
    Field("library_contribution", "How the library helped", "text"),
    Field("outcome", "Outcome", "text", "What difference it made."),
    Field(
        "impact_categories",
        "Impact categories",
        "categories",
        f"Select up to {MAX_IMPACT_CATEGORIES}.",
    ),
    Field(
        "time_saved_hours",
        "Time saved (hours)",
        "number",
        "A number from 0 to 100,000. The card leads with it.",
    ),
    Field(
        "cost_saving_gbp",
        "Cost saving (£)",
        "number",
        "A number of pounds from 0 to 1,000,000,000. The card leads with it.",
    ),
    Field("quote_text", "Quote", "text", "A quote needs the quoted person's name below."),
    Field("quote_attribution", "Quoted person", "input", _chars("quote_attribution")),
    Field(
        "quote_consent",
        "Has the quoted person agreed to the quote being used?",
        "yesno",
        "Without consent the quote is kept but never used on a card, in alt text or in a post.",
    ),
    Field("link", "Link", "input", "An https:// address, for example of the full case study."),
    Field(
        "hashtags",
        "Hashtags",
        "input",
        f"Up to {MAX_HASHTAGS}, separated by semicolons, for example NHSLibraries; Evidence.",
    ),
    Field(
        "showcase_month",
        "Month to showcase",
        "input",
        "As year-month, for example 2027-02. It is queued once the case study is approved.",
    ),
    Field(
        "contains_patient_data",
        "Does the case study contain patient data?",
        "yesno",
        "Case studies must not contain patient data.",
    ),
)
REVIEW: tuple[Field, ...] = (
    Field("status", "Status", "workflow-status"),
    Field("approved_by", "Approved by", "input", "The reviewer, when it is already approved."),
    Field(
        "approved_on",
        "Approved on",
        "input",
        "The date of the approval, for example 31/03/2026.",
    ),
)
BY_NAME = {f.name: f for f in CONTENT + REVIEW}


def fields_for(adding: bool, with_review: bool) -> tuple[Field, ...]:
    """The form's fields in order: the ref only when adding (it cannot change), and the
    review fields only when this person may record an approval there."""
    shown = tuple(f for f in CONTENT if adding or f.name != "ref")
    return shown + (REVIEW if adding and with_review else ())


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
