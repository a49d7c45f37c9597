"""What a field of a case study is, said once for each field: its name, what people call
it, the other names a file may give its column, its limit, one line or several, whether a
public page may show it, and where the form puts it.

The content fields are declared on `vignettes.content.CaseStudyContent` itself (each
dataclass field carries its `FieldSpec` as metadata); the workflow fields a file or the
form may also carry (status, approval, a month, the patient-data declaration) are below.
From these come the import's columns and aliases and its validation limits, the
case-study form, the history's diff, the JSON shapes and the stored columns. A new
content field is one more dataclass field here, a migration, and the templates that show
it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

# How the form asks for it: a one-line input, a text area, a number, the category
# checkboxes, a yes/no choice, or the status radios.
Kind = Literal["input", "text", "number", "categories", "yesno", "status"]
SPEC = "vignettes.field"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind = "input"
    limit: int | None = None  # characters (text) or the largest value (numbers)
    multi_line: bool = False
    required: bool = False
    public: bool = True  # a public page may show it (a quote: only with consent)
    aliases: tuple[str, ...] = ()
    hint: str = ""  # may say {limit}
    section: str = ""  # the form's heading it goes under
    index: bool = False  # stored with an index (searched or grouped by)

    @property
    def shown_hint(self) -> str:
        """The form's hint, with the limit written in (`1,000`)."""
        return self.hint.format(limit=f"{self.limit:,}" if self.limit is not None else "")


def content_field(default: Any = dataclasses.MISSING, **spec: Any) -> Any:
    """A `CaseStudyContent` field with its spec (the name is the dataclass field's)."""
    return dataclasses.field(default=default, metadata={SPEC: spec})


def specs_of(cls: type) -> tuple[FieldSpec, ...]:
    """The FieldSpecs declared on a dataclass's fields, in their order."""
    return tuple(
        FieldSpec(name=f.name, **f.metadata[SPEC])
        for f in dataclasses.fields(cls)
        if SPEC in f.metadata
    )


# The workflow fields an import file or the form may also carry, in the form's order.
WORKFLOW: tuple[FieldSpec, ...] = (
    FieldSpec(
        "showcase_month",
        "Month to showcase",
        aliases=("Showcase", "Month to showcase", "Preferred month", "Publish month"),
        hint="As year-month, for example 2027-02. It is queued once the case study is approved.",
        public=False,
        section="Sharing",
    ),
    FieldSpec(
        "contains_patient_data",
        "Does the case study contain patient data?",
        "yesno",
        aliases=(
            "Patient data",
            "Includes patient data",
            "Patient identifiable data",
            "Patient identifiable information",
            "Contains patient identifiable data",
        ),
        hint="Case studies must not contain patient data.",
        public=False,
        section="Patient data",
    ),
    FieldSpec(
        "status",
        "Status",
        "status",
        aliases=("Review status", "Approval status"),
        public=False,
        section="Review",
    ),
    FieldSpec(
        "approved_by",
        "Approved by",
        limit=120,  # the column is String(120); a reason is shown in the history
        aliases=("Reviewer", "Reviewed by", "Approver"),
        hint="The reviewer, when it is already approved.",
        public=False,
        section="Review",
    ),
    FieldSpec(
        "approved_on",
        "Approved on",
        aliases=("Approval date", "Date approved", "Approved date", "Reviewed on"),
        hint="The date of the approval, for example 31/03/2026.",
        public=False,
        section="Review",
    ),
)
# Limits of what people type that are not fields of a case study.
OTHER_LIMITS = {"reject_reason": 1000}
