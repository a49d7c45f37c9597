"""Key figures: a case study's quantified impact as the card and its alt text say it (en-GB).

- Money (`cost_saving_gbp`) in whole pounds, rounded half up, with thousands separators:
  `£12,400`, `£1,000,000,000`; said as `£12,400 saved`.
- Time (`time_saved_hours`) in whole hours, or to one decimal place when fractional
  (rounded half up): `15`, `12.5`, `100,000`; said as `15 hours saved`, `1 hour saved`.
  The field does not say whose time was saved, so neither does the card.
- Money comes first, then time. A figure that rounds to zero (`£0`, `0 hours`) is no
  impact to lead with, and is left out.

Pure: no fonts, no drawing, so the alt text uses exactly the words the card shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from cards.errors import FigureError
from vignettes.content import CaseStudyContent

# Enough digits for any finite float (about 309 before the point), so quantize never fails.
_EXACT = Context(prec=400)


@dataclass(frozen=True)
class KeyFigure:
    """One figure as drawn: `number` large, then `label` (`£12,400` + `saved`)."""

    field: str
    number: str
    label: str

    @property
    def text(self) -> str:
        """The figure as words, e.g. `£12,400 saved` or `15 hours saved`."""
        return f"{self.number} {self.label}"


def _decimal(value: float, step: str) -> Decimal:
    # repr() is the shortest decimal that round-trips, so 0.15 rounds like the 0.15 typed.
    return Decimal(repr(float(value))).quantize(Decimal(step), ROUND_HALF_UP, context=_EXACT)


def format_pounds(amount: float) -> str:
    """`£12,400` for 12400 (whole pounds, half up: 2.5 → `£3`)."""
    return f"£{int(_decimal(amount, '1')):,}"


def format_hours(hours: float) -> str:
    """`15` for 15.0, `12.5` for 12.5, `12.3` for 12.25, `1,234` for 1234.04."""
    rounded = _decimal(hours, "0.1")
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return format(rounded, ",.1f")


def _check(content: CaseStudyContent, field: str, value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise FigureError(field, value, ref=content.ref)
    return float(value)


def key_figures(content: CaseStudyContent) -> tuple[KeyFigure, ...]:
    """The figures a card leads with, money first; empty when the case study has none.

    Raises FigureError naming the field for a negative, NaN or infinite value (the
    importer rejects those; this guards content built another way)."""
    out: list[KeyFigure] = []
    pounds = _check(content, "cost_saving_gbp", content.cost_saving_gbp)
    if pounds is not None and _decimal(pounds, "1") > 0:
        out.append(KeyFigure("cost_saving_gbp", format_pounds(pounds), "saved"))
    hours = _check(content, "time_saved_hours", content.time_saved_hours)
    if hours is not None and _decimal(hours, "0.1") > 0:
        number = format_hours(hours)
        label = "hour saved" if number == "1" else "hours saved"
        out.append(KeyFigure("time_saved_hours", number, label))
    return tuple(out)


def figures_sentence(figures: tuple[KeyFigure, ...]) -> str:
    """The figures as one alt-text sentence: `£86,500 saved and 15 hours saved.`"""
    return " and ".join(f.text for f in figures) + "." if figures else ""
