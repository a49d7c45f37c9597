"""Validating import records: every field's rules, every problem reported at once as
`FILE:ROW ref field: reason`. Pure: no database."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
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
from vignettes.sources import CellProblem

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
# Fields naming a person: no format characters at all (beyond joiners), as they are shown
# in one-line histories where a bidi override would disguise who decided what.
NAME_FIELDS = ("approved_by",)
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
        self.prefix = f"{source}:{row} {display(ref) or '-'}"
        self.items: list[str] = []

    def add(self, field_name: str, reason: str) -> None:
        self.items.append(f"{self.prefix} {field_name}: {reason}")

    def has(self, field_name: str) -> bool:
        return any(i.startswith(f"{self.prefix} {field_name}:") for i in self.items)


# Invisible characters that reorder or hide text in posts and alt text (the card drops them,
# so what a reviewer sees on the card would not be what is posted). Joiners (U+200C ZWNJ,
# U+200D ZWJ) stay: emoji sequences and joining scripts need them.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
    + ["\u200b", "\u2060", "\ufeff"]  # zero width space, word joiner, BOM
)
JOINERS = "\u200c\u200d"
MAX_COMBINING_RUN = 4
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # exactly category Cc
_SLASH_LOOKALIKES = "\u2044\u2215\uff0f"


def char_name(c: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character a person cannot see, named."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X} {name}".rstrip()


def display(value: str, limit: int = 60) -> str:
    """`value` safe to print in a message: shortened, invisible characters escaped."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    if shown.isprintable():
        return shown
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in shown)


def normalise_text(value: str) -> str:
    """Trimmed NFC text with every line break (CR LF, lone CR, U+2028, U+2029) as `\\n`."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return unicodedata.normalize("NFC", text.strip())


def character_problems(text: str, *, multi_line: bool = False, name: bool = False) -> list[str]:
    """Why normalised `text` cannot be posted as it stands: control characters (line breaks
    and tabs are allowed in `multi_line` text), invisible characters (with `name`, every
    format character but the joiners), and stacked combining marks."""
    problems = []
    allowed = "\n\t" if multi_line else ""
    bad = next((m.group() for m in _CONTROL.finditer(text) if m.group() not in allowed), None)
    if bad is not None:
        what = "a line break" if bad == "\n" else f"control character U+{ord(bad):04X}"
        problems.append(f"contains {what}")
    if text.isascii():  # the common case: nothing below can apply
        return problems
    invisible: str | None = None
    run = longest = 0
    for c in text:
        category = unicodedata.category(c)
        run = run + 1 if category == "Mn" else 0
        longest = max(longest, run)
        if invisible is None and (
            c in INVISIBLE or (name and category == "Cf" and c not in JOINERS)
        ):
            invisible = c
    if invisible is not None:
        problems.append(f"contains invisible character {char_name(invisible)}")
    if longest > MAX_COMBINING_RUN:
        problems.append(
            f"has {longest} combining marks in a row (stacked accents); "
            f"the limit is {MAX_COMBINING_RUN}"
        )
    return problems


def name_problems(value: str, limit: int) -> list[str]:
    """Why `value` cannot be recorded as a person's name or a one-line note (empty: fine)."""
    text = normalise_text(value)
    problems = character_problems(text, name=True)
    if len(text) > limit:
        problems.append(f"is {len(text)} characters, the limit is {limit}")
    return problems


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _scalar_text(value: Any) -> str | None:
    """Text from a text, whole-number or number cell; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_text(str(value))


def ref_key(ref: str) -> str:
    """What makes two refs the same case study: canonical caseless matching (Unicode
    D145: NFD, case fold, NFD), so `ICS-1`/`ics-1` and `café` in either form collide."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", ref).casefold())


def _text(value: Any, name: str, p: _RowProblems) -> str:
    if _is_blank(value):
        return ""
    text = _scalar_text(value)
    if text is None:
        p.add(name, f"must be text, got {type(value).__name__}")
        return ""
    for reason in character_problems(text, multi_line=name in MULTI_LINE, name=name in NAME_FIELDS):
        p.add(name, reason)
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
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            number = float(value.strip())
    except (ValueError, OverflowError):  # not a number, or an integer beyond a float
        number = None
    if number is None or not math.isfinite(number):
        p.add(name, f"must be a number, got {display(repr(value))}")
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
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed [IPv6] host
        p.add("link", f"is not a valid link ({display(str(exc))})")
        return
    host = parts.hostname or ""
    if parts.scheme != "https":
        p.add("link", f"must be an https:// link, got {display(text)!r}")
    elif not host or "." not in host:
        p.add("link", "has no valid host name")
    elif parts.username or parts.password:
        p.add("link", "must not contain a user name or password")
    elif any(c.isspace() for c in text):
        p.add("link", "must not contain spaces")
    elif not host.isascii() and (problem := _host_problem(host)):
        p.add("link", problem)
    else:
        try:
            parts.port  # noqa: B018 - parsed lazily; raises for 99999 or "abc"
        except ValueError as exc:
            p.add("link", f"has an invalid port ({display(str(exc))})")


def _host_problem(host: str) -> str:
    """Why a non-ASCII host name could mislead or fail (empty: fine)."""
    for c in host:
        if unicodedata.category(c) in ("Cf", "Zs") or c in _SLASH_LOOKALIKES:
            return f"host name contains {char_name(c)}"
    try:
        host.encode("idna")
    except UnicodeError:
        return f"host name {display(host)!r} is not a valid international domain name"
    return ""


def validate_row(
    source: str, number: int, raw: Mapping[str, Any], now: dt.datetime
) -> tuple[ImportRow | None, list[str]]:
    """One raw record → an ImportRow, or the list of its problems."""
    unusable = {k: v for k, v in raw.items() if isinstance(v, CellProblem)}
    if unusable:  # reported once here; the field then counts as empty
        raw = {k: (None if k in unusable else v) for k, v in raw.items()}
    ref_raw = raw.get("ref")
    ref = str(ref_raw).strip() if not _is_blank(ref_raw) else ""
    p = _RowProblems(source, number, ref)
    for key, cell in unusable.items():
        p.add(display(key), cell.reason)
    for key in raw:
        if key not in KNOWN_FIELDS:
            close = difflib.get_close_matches(key[:100], KNOWN_FIELDS, n=1)
            p.add(
                display(key),
                "unknown field" + (f" (did you mean {close[0]!r}?)" if close else ""),
            )
    texts = {name: _text(raw.get(name), name, p) for name in TEXT_FIELDS}
    for name in REQUIRED:
        if not texts[name] and not p.has(name):
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
    if p.has("quote_text") or p.has("quote_attribution"):
        pass  # the quote itself is wrong: consistency with it would only add noise
    elif texts["quote_text"]:
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
        if not approved_by and not p.has("approved_by"):
            p.add("approved_by", "is required when status is approved")
        if approved_on is None and not p.has("approved_on"):
            p.add("approved_on", "is required when status is approved")
        if not categories and not p.has("impact_categories"):
            p.add("impact_categories", "an approved case study needs at least one")
    elif approved_by or approved_on:
        p.add("status", f"is {status} but approved_by/approved_on are given")

    showcase = _month(raw.get("showcase_month"), "showcase_month", p)
    time_saved = _number(raw.get("time_saved_hours"), "time_saved_hours", p)
    cost_saving = _number(raw.get("cost_saving_gbp"), "cost_saving_gbp", p)
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
        time_saved_hours=time_saved,
        cost_saving_gbp=cost_saving,
        quote_text=texts["quote_text"],
        quote_attribution=texts["quote_attribution"],
        quote_consent=bool(consent),
        link=texts["link"],
        hashtags=tuple(hashtags),
    )
    return ImportRow(number, content, status, approved_by, approved_on, showcase), []


def validate_rows(
    source: str, rows: list[tuple[int, dict[str, Any]]], now: dt.datetime
) -> list[ImportRow]:
    """Validate every row; raises ImportRejected listing every problem in the file.

    Refs are compared as they will be stored (NFC, `2026.0` as `2026`), and refs differing
    only by case or Unicode form are rejected: they would be two copies of one case study."""
    problems: list[str] = []
    valid: list[ImportRow] = []
    first_row: dict[str, tuple[int, str]] = {}
    for number, raw in rows:
        row, row_problems = validate_row(source, number, raw, now)
        problems.extend(row_problems)
        ref = row.content.ref if row is not None else _scalar_text(raw.get("ref")) or ""
        if ref:
            key = ref_key(ref)
            if key not in first_row:
                first_row[key] = (number, ref)
            else:
                first, other = first_row[key]
                prefix = f"{source}:{number} {display(ref)} ref:"
                if other == ref:
                    problems.append(f"{prefix} duplicate of row {first}")
                else:
                    problems.append(
                        f"{prefix} differs only by case from {display(other)} (row {first})"
                    )
        if row is not None:
            valid.append(row)
    if not rows:
        problems.append(f"{source}: no case studies in the file")
    if problems:
        raise ImportRejected(source, problems)
    return valid
