"""The impact dashboard's read model (`/impact` and `vignettes impact`): the figures a
person may see, for a year and region if asked, with the impact categories named as the
vocabulary names them, and the headline figures an "impact in numbers" card says.

The figures are SQL aggregates (`vignettes.reporting.impact`); what counts as accepted, which
case studies a person sees and which statuses reached each stage come from `visibility`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.impact.visibility import stages, viewer_scope
from vignettes.reporting.impact import CategoryEngagement, ImpactFigures, impact_figures
from vignettes.reporting.impact_parts import Counts, Group, ImpactFilter
from vignettes.store.read_models import cached

__all__ = [
    "CategoryEngagement",
    "Counts",
    "Group",
    "Headline",
    "ImpactFilter",
    "ImpactReport",
    "impact_report",
]

BREAKDOWNS = {
    "period": "Year and quarter submitted",
    "region": "Region",
    "category": "Impact category",
    "service": "Library service",
    "organisation_type": "Organisation type",
}


@dataclass(frozen=True)
class Headline:
    """What an "impact in numbers" card says: the period, the accepted case studies, the
    hours and pounds they saved (None: none reported) and the library services they came
    from; `scope` names the region when not everyone's figures."""

    period: str
    case_studies: int
    hours_saved: float | None
    pounds_saved: float | None
    library_services: int | None
    scope: str


@dataclass(frozen=True)
class ImpactReport:
    chosen: ImpactFilter
    figures: ImpactFigures

    def breakdown(self, name: str) -> tuple[Group, ...]:
        """One of BREAKDOWNS' groups, by name."""
        figures = self.figures
        return {
            "period": figures.by_period,
            "region": figures.by_region,
            "category": figures.by_category,
            "service": figures.by_service,
            "organisation_type": figures.by_organisation_type,
        }[name]

    @property
    def headline(self) -> Headline:
        totals = self.figures.totals
        return Headline(
            period=str(self.chosen.year) if self.chosen.year else "All years",
            case_studies=totals.accepted,
            hours_saved=totals.hours,
            pounds_saved=totals.pounds,
            library_services=totals.services or None,
            scope=self.chosen.region or "",
        )

    def to_json(self) -> dict[str, Any]:
        figures = self.figures
        return {
            "year": self.chosen.year,
            "region": self.chosen.region,
            "totals": figures.totals.to_json(),
            **{
                f"by_{name}": [{"key": g.key, **g.counts.to_json()} for g in self.breakdown(name)]
                for name in BREAKDOWNS
            },
            "engagement_by_category": [vars(e) for e in figures.engagement],
            "headline": vars(self.headline),
        }


def impact_report(
    ws: Workspace, actor: Actor, *, year: int | None = None, region: str | None = None
) -> ImpactReport:
    """The dashboard's figures for what `actor` may see; cached until anyone commits a
    change. Impact categories are named as the configured vocabulary names them."""
    chosen = ImpactFilter(year, region or None)
    scope = viewer_scope(actor)

    def read() -> ImpactReport:
        with ws.store.read() as session:
            figures = impact_figures(session, stages(), scope, chosen)
        return ImpactReport(chosen, _named(ws, figures))

    return cached(ws.store, ("impact", scope, chosen), read)


def _named(ws: Workspace, figures: ImpactFigures) -> ImpactFigures:
    vocabulary = ws.config.importing.vocabulary
    return replace(
        figures,
        by_category=tuple(
            sorted(
                (replace(g, key=vocabulary.label(g.key)) for g in figures.by_category),
                key=lambda g: g.key,
            )
        ),
        engagement=tuple(
            sorted(
                (replace(e, category=vocabulary.label(e.category)) for e in figures.engagement),
                key=lambda e: e.category,
            )
        ),
    )
