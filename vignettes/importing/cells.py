"""One cell → one value, or a problem naming the row and field. Pure.

Cells arrive as JSON values, CSV text or spreadsheet values (numbers, booleans, dates).
Every converter takes the raw cell and the row's `RowIssues`, and returns the value, or an
empty one after recording why the cell cannot be used.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import idna

from vignettes.content import SPECS
from vignettes.importing.issues import Issue, char_name, display
from vignettes.planning.slots import Month
from vignettes.text import normalise_text

# The largest value of each number field (`vignettes.fields`).
NUMBER_LIMITS = {s.name: float(s.limit or 0) for s in SPECS if s.kind == "number"}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_SLASH_LOOKALIKES = "\u2044\u2215\uff0f"
_SPACE = re.compile(r"\s")
_SEMICOLON = re.compile(";")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Spreadsheet day numbers: 1 is 1900-01-01 in Excel's reckoning (which counts a 29 February
# 1900 that never was, hence the 1899-12-30 epoch), 2958465 is 9999-12-31.
_SERIAL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465


class RowIssues:
    """The problems and warnings of one row, each naming file, row, ref and field."""

    def __init__(self, source: str, row: int, ref: str) -> None:
        self.source = source
        self.row = row
        self.ref = ref
        self.items: list[Issue] = []
        self.warnings: list[Issue] = []
        self._fields: set[str] = set()

    def add(self, field_name: str, reason: str) -> None:
        self.items.append(Issue(self.source, self.row, self.ref, field_name, reason))
        self._fields.add(field_name)

    def warn(self, field_name: str, reason: str) -> None:
        self.warnings.append(Issue(self.source, self.row, self.ref, field_name, reason))

    def has(self, field_name: str) -> bool:
        return field_name in self._fields


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def scalar_text(value: Any) -> str | None:
    """Text from a text, whole-number or number cell; None for anything else."""
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_text(str(value))


def as_list(
    value: Any, name: str, p: RowIssues, separators: re.Pattern[str] | None = None
) -> list[str]:
    """A list of text: a JSON list, or text separated by ';' (or by `separators`)."""
    if is_blank(value):
        return []
    if isinstance(value, str):
        parts = (separators or _SEMICOLON).split(value)
        return [part.strip() for part in parts if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    p.add(name, "must be a list of text (or text separated by ';')")
    return []


def as_bool(value: Any, name: str, p: RowIssues) -> bool | None:
    """true/false/yes/no/y/n/1/0 in any case, or a spreadsheet boolean; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    p.add(name, f"must be true or false (or yes/no), got {display(repr(value))}")
    return None


def _number_text(text: str, name: str) -> str:
    """`text` as float() reads it: `1,200` and `1,200,000.50` lose their thousands
    separators (only in groups of three, so `1,2` stays wrong rather than becoming 12),
    and a cost may start with a pound sign (`£1,200`)."""
    text = text.strip()
    if name == "cost_saving_gbp" and text.startswith("£"):
        text = text[1:].strip()
    return text.replace(",", "") if _THOUSANDS.fullmatch(text) else text


def as_number(value: Any, name: str, p: RowIssues) -> float | None:
    if is_blank(value):
        return None
    number: float | None = None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            number = float(_number_text(value, name))
    except (ValueError, OverflowError):  # not a number, or an integer beyond a float
        number = None
    if number is None or not math.isfinite(number):
        p.add(name, f"must be a number, got {display(repr(value))}")
        return None
    if not 0 <= number <= NUMBER_LIMITS[name]:
        p.add(name, f"must be between 0 and {NUMBER_LIMITS[name]:,.0f}, got {number:g}")
        return None
    return number


def _day(value: Any) -> dt.date | None:
    """A date from a date cell, a spreadsheet day number, ISO text or UK day/month/year."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and 1 <= value <= _MAX_SERIAL:
            return _SERIAL_EPOCH + dt.timedelta(days=int(value))
        return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    uk = _UK_DATE.match(text)
    try:
        if uk:
            return dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def as_date(value: Any, name: str, p: RowIssues, now: dt.datetime) -> dt.datetime | None:
    """A date not in the future, as midnight UTC; None when blank."""
    if is_blank(value):
        return None
    day = _day(value)
    if day is None:
        p.add(
            name,
            f"must be a date like 2026-03-31 or 31/03/2026 (day/month/year), got "
            f"{display(repr(value))}",
        )
        return None
    if day > now.date():
        p.add(name, f"{day} is in the future")
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def as_month(value: Any, name: str, p: RowIssues) -> Month | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.date):
        return Month.of(value)
    try:
        return Month.parse(str(value))
    except ValueError as exc:
        p.add(name, str(exc))
        return None


def check_link(text: str, p: RowIssues) -> None:
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
    elif _SPACE.search(text):
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
        # IDNA 2008 with UTS #46 mapping, as browsers and registries resolve names today
        # (Python's own "idna" codec is IDNA 2003, which allows symbols such as ☃).
        idna.encode(host, uts46=True)
    except idna.IDNAError:
        return f"host name {display(host)!r} is not a valid international domain name"
    return ""
