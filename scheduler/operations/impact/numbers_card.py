"""The "impact in numbers" cards of the dashboard's headline figures, at the X and LinkedIn
sizes with their alt text: a download on the impact screen and `vignettes impact --card
DIR`. The figures are the dashboard's (`dashboard.Headline`); `cards.impact` draws them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cards.errors import CardError
from cards.impact.card import render_impact_card
from cards.impact.numbers import ImpactNumbers
from scheduler.errors import OperationFailed
from scheduler.files import write_atomic
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.impact.dashboard import ImpactReport, impact_report
from scheduler.publishing.rendering import brand_from_config, card_spec, read_logo
from vignettes.store.read_models import cached

PLATFORMS = ("x", "linkedin")


@dataclass(frozen=True)
class NumbersCard:
    platform: str
    png: bytes
    width: int
    height: int
    alt_text: str


def numbers(report: ImpactReport) -> ImpactNumbers:
    """What the card says: the period (the year, else every year there is), the accepted
    case studies, the hours and pounds they saved and the services they came from, and
    the region when the figures are one region's. Raises OperationFailed naming the field
    for figures the card cannot say."""
    headline = report.headline
    years = report.figures.years
    period = headline.period
    if report.chosen.year is None and years:
        period = str(years[0]) if len(years) == 1 else f"{years[-1]} to {years[0]}"
    try:
        return ImpactNumbers(
            period=period,
            case_studies=headline.case_studies,
            hours_saved=headline.hours_saved,
            pounds_saved=headline.pounds_saved,
            library_services=headline.library_services,
            scope=headline.scope,
        )
    except CardError as exc:
        raise OperationFailed(str(exc)) from exc


def numbers_cards(
    ws: Workspace, actor: Actor, *, year: int | None = None, region: str | None = None
) -> tuple[NumbersCard, ...]:
    """The card for each platform; cached until anyone commits a change. Raises
    OperationFailed when a card cannot be drawn (the message names the field)."""
    report = impact_report(ws, actor, year=year, region=region)
    said = numbers(report)
    return cached(ws.store, ("numbers cards", said), lambda: _render(ws, said))


def _render(ws: Workspace, said: ImpactNumbers) -> tuple[NumbersCard, ...]:
    config = ws.config
    brand, logo = brand_from_config(config), read_logo(config)
    cards = []
    for platform in PLATFORMS:
        try:
            card = render_impact_card(said, card_spec(config, platform, None), brand, logo_png=logo)
        except CardError as exc:
            raise OperationFailed(str(exc)) from exc
        cards.append(NumbersCard(platform, card.png, card.width, card.height, card.alt_text))
    return tuple(cards)


def write_numbers_cards(
    ws: Workspace, actor: Actor, folder: Path, *, year: int | None, region: str | None
) -> list[Path]:
    """Write each platform's card (`impact-<period>-<platform>.png`) and its alt text
    (`.txt`) into `folder`, made if missing; returns the files written. Raises
    OperationFailed for a folder that cannot be made or written."""
    cards = numbers_cards(ws, actor, year=year, region=region)
    said = numbers(impact_report(ws, actor, year=year, region=region))
    stem = "impact-" + "".join(c if c.isalnum() else "-" for c in said.period).strip("-")
    if region:
        stem += "-" + "".join(c if c.isalnum() else "-" for c in region).strip("-")[:40]
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for card in cards:
            png, text = (
                folder / f"{stem}-{card.platform}.png",
                folder / f"{stem}-{card.platform}.txt",
            )
            write_atomic(png, card.png)
            write_atomic(text, card.alt_text + "\n")
            written += [png, text]
    except OSError as exc:
        raise OperationFailed(
            f"--card {folder}: cannot write there: {exc.strerror or exc}"
        ) from exc
    return written
