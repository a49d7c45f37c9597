"""A year's or a quarter's headline figures, as the impact-in-numbers card says them (en-GB).

- Counts (case studies, library services) are whole numbers with thousands separators:
  `48 case studies`, `1 case study`, `1,240 library services`.
- Hours are whole, or to one decimal place when fractional (rounded half up), as on a
  vignette card: `1,240 hours saved`, `0.5 hours saved`, `1 hour saved`.
- Pounds are whole, rounded half up: `£312,000 saved`.
- From a million up, every figure is said in millions, billions or trillions to one decimal
  place (half up, `.0` dropped): `£1.2 million saved`, `£1 billion saved`,
  `12.3 million hours saved`. Below a million the full number fits any card.
- The case-study count is always said, even 0: it is what the card is about. Hours, pounds
  and library services are left out when absent (None: nobody reported them) or when they
  round to zero: the card never says `0 hours`.
- Order: case studies, hours, pounds, library services.

`time_saved_hours` does not say whose time was saved (see docs/cards.md), so neither do the
sums: `hours saved`, never `hours of clinicians' time saved`.

Pure: no drawing, so the card and its alt text use exactly the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from cards.alt_text import cut_at_word
from cards.errors import ImpactNumbersError
from cards.figures import KeyFigure
from cards.glyphs import clean

PERIOD_LIMIT = 40  # characters: "2026", "2026 Q3", "April 2025 to March 2026"
SCOPE_LIMIT = 100  # a region or a library service's name
TITLE = "Library impact in numbers"

# Enough digits for any finite float (about 309 before the point), so quantize never fails.
_EXACT = Context(prec=400)
_MILLION = Decimal(1_000_000)
_UNITS = ((Decimal(10**6), "million"), (Decimal(10**9), "billion"), (Decimal(10**12), "trillion"))


@dataclass(frozen=True)
class ImpactNumbers:
    """The headline figures for one period, computed elsewhere (the impact dashboard).

    `period` names the period (`2026`, `2026 Q3`); `case_studies` counts the case studies;
    `hours_saved` and `pounds_saved` are the sums of those that reported them (None when
    none did); `library_services` counts the services they came from (None: not shown);
    `scope` says whom the figures cover when not everyone (a region or a library service;
    empty: all). Raises ImpactNumbersError naming the field for a count that is not a whole
    number from 0 up, an amount that is negative, NaN or infinite, or a period or scope that
    is empty or too long."""

    period: str
    case_studies: int
    hours_saved: float | None = None
    pounds_saved: float | None = None
    library_services: int | None = None
    scope: str = ""

    def __post_init__(self) -> None:
        _check_text("period", self.period, PERIOD_LIMIT, required=True)
        _check_text("scope", self.scope, SCOPE_LIMIT, required=False)
        _check_count("case_studies", self.case_studies)
        if self.library_services is not None:
            _check_count("library_services", self.library_services)
        for name in ("hours_saved", "pounds_saved"):
            value = getattr(self, name)
            if value is None:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ImpactNumbersError(name, f"must be a number from 0 upwards, got {value!r}")


def _check_text(field: str, value: str, limit: int, *, required: bool) -> None:
    if not isinstance(value, str):
        raise ImpactNumbersError(field, f"must be text, got {value!r}")
    length = len(clean(value))  # what the card draws: invisible characters do not count
    if required and length == 0:
        raise ImpactNumbersError(field, "is empty: name the year or quarter, e.g. '2026 Q3'")
    if length > limit:
        raise ImpactNumbersError(field, f"is {length} characters, the card allows {limit}")


def _check_count(field: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImpactNumbersError(field, f"must be a whole number from 0 upwards, got {value!r}")


def _plain(value: Decimal) -> str:
    """`1,240` for a whole value, else `1,240.5`."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value, ",.1f")


def say_number(value: float, *, places: int = 0) -> str:
    """`value` rounded half up to `places` (0 or 1; a fraction of .0 is not shown) with
    thousands separators, or from a million up in millions, billions or trillions to one
    decimal place: `1,240`, `1,240.5`, `1.2 million`, `1 billion`."""
    step = Decimal(1).scaleb(-places)
    # repr() is the shortest decimal that round-trips, so 0.15 rounds like the 0.15 typed.
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    full = exact.quantize(step, ROUND_HALF_UP, context=_EXACT)
    if full < _MILLION:
        return _plain(full)
    for i, (size, name) in enumerate(_UNITS):
        mantissa = _EXACT.divide(full, size).quantize(Decimal("0.1"), ROUND_HALF_UP, _EXACT)
        # 999.95 million rounds to 1,000.0 million: that is 1 billion.
        if mantissa < 1000 or i == len(_UNITS) - 1:
            return f"{_plain(mantissa)} {name}"
    raise AssertionError("unreachable: the last unit always answers")


def _label(number: str, one: str, many: str) -> str:
    return one if number == "1" else many


def impact_figures(numbers: ImpactNumbers) -> tuple[KeyFigure, ...]:
    """The figures the card shows, in order; the case-study count always comes first."""
    count = say_number(numbers.case_studies)
    out = [KeyFigure("case_studies", count, _label(count, "case study", "case studies"))]
    if numbers.hours_saved is not None:
        hours = say_number(numbers.hours_saved, places=1)
        if hours != "0":
            out.append(KeyFigure("hours_saved", hours, _label(hours, "hour saved", "hours saved")))
    if numbers.pounds_saved is not None:
        pounds = say_number(numbers.pounds_saved)
        if pounds != "0":
            out.append(KeyFigure("pounds_saved", f"£{pounds}", "saved"))
    if numbers.library_services:
        services = say_number(numbers.library_services)
        label = _label(services, "library service", "library services")
        out.append(KeyFigure("library_services", services, label))
    return tuple(out)


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _heading(numbers: ImpactNumbers) -> str:
    """`2026 Q3` or `2026 Q3, South West`: the period, then whom it covers."""
    return ", ".join(clean(part) for part in (numbers.period, numbers.scope) if clean(part))


def summary_line(numbers: ImpactNumbers) -> str:
    """The card on one line, for a post or a page: `2026: 48 case studies · 1,240 hours
    saved · £312,000 saved`."""
    figures = " · ".join(f.text for f in impact_figures(numbers))
    return f"{_heading(numbers)}: {figures}"


def impact_alt_text(numbers: ImpactNumbers, limit: int) -> str:
    """The card in words, in its reading order, at most `limit` characters: `Library impact
    in numbers, 2026 Q3, South West: 48 case studies, 1,240 hours saved and £312,000 saved.`
    Too long for `limit`, the title is left out; still too long (only with a limit below
    about 240 and a long scope), it is cut at a word with an ellipsis."""
    if limit < 1:
        raise ValueError(f"alt text limit must be positive, got {limit}")
    said = f"{_heading(numbers)}: {_listed([f.text for f in impact_figures(numbers)])}."
    for text in (f"{TITLE}, {said}", said):
        if len(text) <= limit:
            return text
    return cut_at_word(said, limit)
