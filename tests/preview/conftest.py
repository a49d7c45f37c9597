"""Builders for rendering and preview tests: a config, a case study, headless Chromium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from scheduler.config import Config, parse_config
from vignettes.content import CaseStudyContent

NOVEMBER = dt.date(2026, 11, 3)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def config(tmp_path: Path, **cards: Any) -> Config:
    """The embedded defaults, with `[cards]` overrides, as if read from tmp_path/config.toml."""
    return parse_config({"cards": cards} if cards else {}, tmp_path / "config.toml")


def case_study(**fields: Any) -> CaseStudyContent:
    """A realistic case study with LinkedIn-reserved characters and an unconsented quote."""
    defaults: dict[str, Any] = {
        "ref": "ICS-2026-011",
        "title": "Evidence review for the falls prevention group",
        "organisation": "Ysbyty Gwynedd (Betsi Cadwaladr)",
        "region": "Wales",
        "headline": "Falls on elderly care wards down by a quarter",
        "summary": "A rapid review of 38 studies (delivered in five days) shaped a new bundle "
        "of lying and standing blood pressure checks, footwear and night-time rounds.",
        "impact_categories": ("patient-safety", "decision-making"),
        "quote_text": "The review settled a two-year argument in one meeting.",
        "quote_attribution": "Ward manager",
        "quote_consent": False,
        "link": "https://library.example.nhs.uk/impact/ics-2026-011",
        "hashtags": ("FallsPrevention",),
    }
    return CaseStudyContent(**{**defaults, **fields})


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright; Playwright never downloads a browser here."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
