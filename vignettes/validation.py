"""Validating import records: every field's rules, every problem reported at once as
`FILE:ROW ref field: reason`. Pure: no database."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vignettes.content import (
    IMPACT_CATEGORIES,
    LIMITS,
    MAX_HASHTAG_LENGTH,
    MAX_HASHTAGS,
    MAX_IMPACT_CATEGORIES,
    CaseStudyContent,
)
from vignettes.errors import ImportRejected
from vignettes.slots import Month

REQUIRED = ("ref", "title", "organisation", "headline", "summary")
SINGLE_LINE = (
    "ref",
    "title",
    "organisation",
    "library_service",
    "region",
    "headline",
    "quote_attribution",
    "link",
)
MULTI_LINE = ("summary", "background", "library_contribution", "outcome", "quote_text")
TEXT_FIELDS = SINGLE_LINE + MULTI_LINE
KNOWN_FIELDS = (
    *TEXT_FIELDS,
    "impact_categories",
    "hashtags",
    "time_saved_hours",
    "cost_saving_gbp",
    "quote_consent",
    "status",
    "approved_by",
    "approved_on",
    "showcase_month",
    "contains_patient_data",
)
NUMBER_LIMITS = {"time_saved_hours": 100_000.0, "cost_saving_gbp": 1_000_000_000.0}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class ImportRow:
    row: int
    content: CaseStudyContent
    status: str = "submitted"
    approved_by: str = ""
    approved_on: dt.datetime | None = None
    showcase_month: Month | None = None


class _RowProblems:
    def __init__(self, source: str, row: int, ref: str) -> None:
        self.prefix = f"{source}:{row} {ref or '-'}"
        self.items: list[str] = []

    def add(self, field_name: str, reason: str) -> None:
        self.items.append(f"{self.prefix} {field_name}: {reason}")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, name: str, p: _RowProblems) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        p.add(name, f"must be text, got {type(value).__name__}")
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value).replace("\r\n", "\n").strip())
    allowed = "\n\t" if name in MULTI_LINE else ""
    bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in allowed), None)
    if bad is not None:
        what = "a line break" if bad in "\n\r" else f"control character U+{ord(bad):04X}"
        p.add(name, f"contains {what}")
    limit = LIMITS.get(name)
    if limit is not None and len(text) > limit:
        p.add(name, f"is {len(text)} characters, the limit is {limit}")
    return text


def _list(value: Any, name: str, p: _RowProblems) -> list[str]:
    if _is_blank(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    p.add(name, "must be a list of text (or text separated by ';')")
    return []


def _bool(value: Any, name: str, p: _RowProblems) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    p.add(name, f"must be true or false, got {value!r}")
    return None


def _number(value: Any, name: str, p: _RowProblems) -> float | None:
    if _is_blank(value):
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        p.add(name, f"must be a number, got {value!r}")
        return None
    if not 0 <= number <= NUMBER_LIMITS[name]:
        p.add(name, f"must be between 0 and {NUMBER_LIMITS[name]:,.0f}, got {number:g}")
        return None
    return number


def _date(value: Any, name: str, p: _RowProblems, now: dt.datetime) -> dt.datetime | None:
    if _is_blank(value):
        return None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            day = None
    if day is None:
        p.add(name, f"must be a date like 2026-03-31, got {value!r}")
        return None
    if day > now.date():
        p.add(name, f"{day} is in the future")
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _month(value: Any, name: str, p: _RowProblems) -> Month | None:
    if _is_blank(value):
        return None
    if isinstance(value, dt.date):
        return Month.of(value)
    try:
        return Month.parse(str(value))
    except ValueError as exc:
        p.add(name, str(exc))
        return None


def _link(text: str, p: _RowProblems) -> None:
    if not text:
        return
    parts = urlsplit(text)
    if parts.scheme != "https":
        p.add("link", f"must be an https:// link, got {text[:60]!r}")
    elif not parts.hostname or "." not in parts.hostname:
        p.add("link", "has no valid host name")
    elif parts.username or parts.password:
        p.add("link", "must not contain a user name or password")
    elif any(c.isspace() for c in text):
        p.add("link", "must not contain spaces")


def validate_row(
    source: str, number: int, raw: Mapping[str, Any], now: dt.datetime
) -> tuple[ImportRow | None, list[str]]:
    """One raw record → an ImportRow, or the list of its problems."""
    ref_raw = raw.get("ref")
    ref = str(ref_raw).strip() if not _is_blank(ref_raw) else ""
    p = _RowProblems(source, number, ref)
    for key in raw:
        if key not in KNOWN_FIELDS:
            close = difflib.get_close_matches(key, KNOWN_FIELDS, n=1)
            p.add(key, "unknown field" + (f" (did you mean {close[0]!r}?)" if close else ""))
    texts = {name: _text(raw.get(name), name, p) for name in TEXT_FIELDS}
    for name in REQUIRED:
        if not texts[name] and not any(i.startswith(f"{p.prefix} {name}:") for i in p.items):
            p.add(name, "is required")
    if texts["ref"] and not all(c.isalnum() or c in "._-" for c in texts["ref"]):
        p.add("ref", "may only contain letters, digits, '.', '_' and '-'")
    _link(texts["link"], p)

    categories: list[str] = []
    for code in _list(raw.get("impact_categories"), "impact_categories", p):
        code = code.lower()
        if code not in IMPACT_CATEGORIES:
            p.add(
                "impact_categories",
                f"unknown category {code!r} (known: {', '.join(IMPACT_CATEGORIES)})",
            )
        elif code not in categories:
            categories.append(code)
    if len(categories) > MAX_IMPACT_CATEGORIES:
        p.add(
            "impact_categories",
            f"has {len(categories)} categories, the limit is {MAX_IMPACT_CATEGORIES}",
        )

    hashtags: list[str] = []
    for tag in _list(raw.get("hashtags"), "hashtags", p):
        tag = tag.lstrip("#")
        if not (tag[:1].isalpha() and all(c.isalnum() or c == "_" for c in tag)):
            p.add("hashtags", f"{tag!r} is not a hashtag (a letter, then letters, digits or _)")
        elif len(tag) > MAX_HASHTAG_LENGTH:
            p.add("hashtags", f"{tag[:20]!r}… is longer than {MAX_HASHTAG_LENGTH} characters")
        elif tag.casefold() not in (h.casefold() for h in hashtags):
            hashtags.append(tag)
    if len(hashtags) > MAX_HASHTAGS:
        p.add("hashtags", f"has {len(hashtags)} hashtags, the limit is {MAX_HASHTAGS}")

    consent = _bool(raw.get("quote_consent"), "quote_consent", p)
    if texts["quote_text"]:
        if not texts["quote_attribution"]:
            p.add("quote_attribution", "is required when there is a quote")
        if consent is None:
            p.add("quote_consent", "must say true or false when there is a quote")
    else:
        if consent:
            p.add("quote_consent", "is true but there is no quote_text")
        if texts["quote_attribution"]:
            p.add("quote_attribution", "is given but there is no quote_text")

    if _bool(raw.get("contains_patient_data"), "contains_patient_data", p):
        p.add(
            "contains_patient_data",
            "is true: case studies must not contain patient data; remove it and set false",
        )

    status = str(raw.get("status") or "submitted").strip().lower()
    if status not in ("submitted", "approved", "rejected"):
        p.add("status", f"{status!r} is not submitted, approved or rejected")
    approved_by = _text(raw.get("approved_by"), "approved_by", p) if raw.get("approved_by") else ""
    approved_on = _date(raw.get("approved_on"), "approved_on", p, now)
    if status == "approved":
        if not approved_by:
            p.add("approved_by", "is required when status is approved")
        if approved_on is None and _is_blank(raw.get("approved_on")):
            p.add("approved_on", "is required when status is approved")
        if not categories:
            p.add("impact_categories", "an approved case study needs at least one")
    elif approved_by or approved_on:
        p.add("status", f"is {status} but approved_by/approved_on are given")

    showcase = _month(raw.get("showcase_month"), "showcase_month", p)
    if p.items:
        return None, p.items
    content = CaseStudyContent(
        ref=texts["ref"],
        title=texts["title"],
        organisation=texts["organisation"],
        headline=texts["headline"],
        summary=texts["summary"],
        library_service=texts["library_service"],
        region=texts["region"],
        background=texts["background"],
        library_contribution=texts["library_contribution"],
        outcome=texts["outcome"],
        impact_categories=tuple(categories),
        time_saved_hours=_number(raw.get("time_saved_hours"), "time_saved_hours", p),
        cost_saving_gbp=_number(raw.get("cost_saving_gbp"), "cost_saving_gbp", p),
        quote_text=texts["quote_text"],
        quote_attribution=texts["quote_attribution"],
        quote_consent=bool(consent),
        link=texts["link"],
        hashtags=tuple(hashtags),
    )
    if p.items:
        return None, p.items
    return ImportRow(number, content, status, approved_by, approved_on, showcase), []


def validate_rows(
    source: str, rows: list[tuple[int, dict[str, Any]]], now: dt.datetime
) -> list[ImportRow]:
    """Validate every row; raises ImportRejected listing every problem in the file."""
    problems: list[str] = []
    valid: list[ImportRow] = []
    first_row: dict[str, int] = {}
    for number, raw in rows:
        row, row_problems = validate_row(source, number, raw, now)
        problems.extend(row_problems)
        ref = str(raw.get("ref") or "").strip()
        if ref:
            if ref in first_row:
                problems.append(f"{source}:{number} {ref} ref: duplicate of row {first_row[ref]}")
            else:
                first_row[ref] = number
        if row is not None:
            valid.append(row)
    if not rows:
        problems.append(f"{source}: no case studies in the file")
    if problems:
        raise ImportRejected(source, problems)
    return valid
