"""Vignette readiness: which of the national review's two extra criteria a case study meets.

The review checklist accepts a case study that shows a clear achievement, a clear impact and
the library's role (approval stands for those). Two more make it one to turn into a
vignette: a quote from a named person, with consent to use it, and a quantified impact
(time or money saved). Auto-pick prefers case studies that meet more of them.

"Quantified" uses the figures a card leads with (`cards.figures`): a saving that rounds to
nothing there (under 50p, under 0.05 hours) is no figure here either. The same rule is an
SQL expression, so the database can order candidates by it; tests keep the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, or_

from vignettes.content import CaseStudyContent

# The smallest savings a card shows: £1 (whole pounds, half up) and 0.1 hours (half up).
MIN_POUNDS = 0.5
MIN_HOURS = 0.05


@dataclass(frozen=True)
class Readiness:
    """`quote`: a usable quote from a named person; `quantified`: time or money saved."""

    quote: bool
    quantified: bool

    @property
    def score(self) -> int:
        return int(self.quote) + int(self.quantified)

    @property
    def label(self) -> str:
        """`quote+figure`, `quote`, `figure` or `-`: a short column for tables."""
        parts = [name for name, met in (("quote", self.quote), ("figure", self.quantified)) if met]
        return "+".join(parts) or "-"

    def to_json(self) -> dict[str, Any]:
        return {"quote": self.quote, "quantified": self.quantified, "score": self.score}


NOT_READY = Readiness(False, False)


def is_quantified(time_saved_hours: float | None, cost_saving_gbp: float | None) -> bool:
    return (cost_saving_gbp is not None and cost_saving_gbp >= MIN_POUNDS) or (
        time_saved_hours is not None and time_saved_hours >= MIN_HOURS
    )


def has_named_quote(quote_text: str, quote_attribution: str, quote_consent: bool) -> bool:
    return bool(quote_text) and bool(quote_attribution) and bool(quote_consent)


def readiness(content: CaseStudyContent) -> Readiness:
    return Readiness(
        quote=has_named_quote(content.quote_text, content.quote_attribution, content.quote_consent),
        quantified=is_quantified(content.time_saved_hours, content.cost_saving_gbp),
    )


def quote_sql() -> ColumnElement[bool]:
    """`has_named_quote` as SQL over `case_studies` (text is stored trimmed)."""
    from vignettes.store.models import CaseStudy

    return and_(
        CaseStudy.quote_consent.is_(True),
        CaseStudy.quote_text != "",
        CaseStudy.quote_attribution != "",
    )


def quantified_sql() -> ColumnElement[bool]:
    """`is_quantified` as SQL over `case_studies`."""
    from vignettes.store.models import CaseStudy

    return or_(CaseStudy.cost_saving_gbp >= MIN_POUNDS, CaseStudy.time_saved_hours >= MIN_HOURS)


def score_sql() -> ColumnElement[int]:
    """`Readiness.score` as SQL: 0, 1 or 2."""
    return case((quote_sql(), 1), else_=0).cast(Integer) + case(
        (quantified_sql(), 1), else_=0
    ).cast(Integer)
