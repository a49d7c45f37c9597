"""Organisation types, read from an organisation's name: the impact dashboard compares
them. Names follow NHS conventions closely enough ("… NHS Foundation Trust", "… Integrated
Care Board", "… Ambulance Service …") that words in the name say the type; the first rule
that matches wins, so the more particular types come first.

The same rules as SQL (`organisation_type_sql`), so the dashboard groups in the database;
a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, func, or_

OTHER = "Other"
# (type, words that say it): matched case-insensitively anywhere in the name.
TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Integrated care board", ("integrated care board", " icb")),
    ("Ambulance service", ("ambulance",)),
    ("Mental health and community", ("mental health", "community health", "partnership")),
    ("Hospice", ("hospice",)),
    ("Primary care", ("practice", "primary care", "surgery", "medical centre", " pcn")),
    ("University or college", ("university", "college")),
    ("National body", ("nhs england", "health education england", "ukhsa", "department of")),
    ("Local authority", ("council", "local authority")),
    ("NHS foundation trust", ("foundation trust",)),
    ("NHS trust", ("nhs trust", "trust")),
)


def organisation_type(name: str) -> str:
    """The type `name` says, or "Other"."""
    lowered = f" {name.lower()}"
    for label, words in TYPES:
        if any(word in lowered for word in words):
            return label
    return OTHER


def organisation_type_sql(column: Any) -> ColumnElement[str]:
    """`organisation_type` as SQL over a column of names."""
    lowered = " " + func.lower(column)
    whens = [(or_(*(lowered.like(f"%{word}%") for word in words)), label) for label, words in TYPES]
    return case(*whens, else_=OTHER)
