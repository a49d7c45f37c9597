"""The sections of `config.toml` other than the platforms: one reader per table, each
recording its problems on the shared list and returning its part of the `Config`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cards.brand import Brand
from scheduler.config.model import (
    AlertsConfig,
    BrandConfig,
    CardsConfig,
    DaemonConfig,
    DatabaseConfig,
    EngagementConfig,
    ScheduleConfig,
    SelectionConfig,
)
from scheduler.config.reader import Reader
from scheduler.config.values import (
    MAX_AVOID_MONTHS,
    check_schedule_day,
    parse_colour,
    parse_duration,
    parse_size,
    parse_time,
    parse_zone,
    resolve,
    resolve_db_url,
)
from scheduler.config.web import parse_size as parse_bytes
from vignettes.planning.slots import HOLIDAY_REGIONS


def read_database(root: Reader, base: Path) -> DatabaseConfig:
    db = root.table("database")
    url = db.get("url", str, "sqlite:///var/vignettes.db")
    if not re.match(r"^(sqlite(\+pysqlite)?:///|postgresql(\+psycopg)?://)", url):
        db.problem("url", f"{url!r} is not a sqlite:///PATH or postgresql+psycopg:// URL")
    busy = db.convert("busy_timeout", "15s", parse_duration, dt.timedelta(seconds=15))
    if not dt.timedelta(seconds=1) <= busy <= dt.timedelta(minutes=10):
        db.problem("busy_timeout", "must be between 1s and 10m")
    db.finish()

    return DatabaseConfig(url=resolve_db_url(base, url), busy_timeout=busy)


def read_schedule(root: Reader) -> ScheduleConfig:
    problems = root.problems
    sch = root.table("schedule")
    day = sch.get("day", str, "1st tue")
    check_schedule_day(day, problems)
    schedule = ScheduleConfig(
        day=day,
        time=sch.convert("time", "10:00", parse_time, dt.time(10)),
        timezone=sch.convert("timezone", "Europe/London", parse_zone, "Europe/London"),
        skip_holidays=sch.get("skip_holidays", str, "england"),
        grace=sch.convert("grace", "3d", parse_duration, dt.timedelta(days=3)),
    )
    if schedule.skip_holidays and schedule.skip_holidays not in HOLIDAY_REGIONS:
        sch.problem(
            "skip_holidays",
            f'{schedule.skip_holidays!r} is not one of {", ".join(HOLIDAY_REGIONS)} or ""',
        )
    if schedule.grace >= dt.timedelta(days=28):
        sch.problem("grace", "must be shorter than 28d, or two months could publish at once")
    sch.finish()

    return schedule


def read_selection(root: Reader) -> SelectionConfig:
    sel = root.table("selection")
    selection = SelectionConfig(
        auto_pick=sel.get("auto_pick", bool, True),
        avoid_same_organisation_months=sel.get("avoid_same_organisation_months", int, 6),
        prefer_ready=sel.get("prefer_ready", bool, True),
    )
    if not 0 <= selection.avoid_same_organisation_months <= MAX_AVOID_MONTHS:
        sel.problem("avoid_same_organisation_months", f"must be between 0 and {MAX_AVOID_MONTHS}")
    sel.finish()

    return selection


def read_cards(root: Reader, base: Path) -> CardsConfig:
    problems = root.problems
    crd = root.table("cards")
    logo = crd.get("logo", str, "")
    brand_r = crd.table("brand")
    defaults = BrandConfig()
    brand = BrandConfig(
        primary=brand_r.convert("primary", defaults.primary, parse_colour, defaults.primary),
        dark=brand_r.convert("dark", defaults.dark, parse_colour, defaults.dark),
        light=brand_r.convert("light", defaults.light, parse_colour, defaults.light),
        pale=brand_r.convert("pale", defaults.pale, parse_colour, defaults.pale),
        footer_text=brand_r.get("footer_text", str, defaults.footer_text),
    )
    brand_r.finish()
    # A brand whose text colours fail WCAG AA is a configuration error, not a render-time one.
    contrast = Brand(brand.primary, brand.dark, brand.light, brand.pale, brand.footer_text)
    problems.extend(f"cards.brand: {problem}" for problem in contrast.contrast_problems())
    cards = CardsConfig(
        output_dir=resolve(base, crd.get("output_dir", str, "var/cards")),
        logo=resolve(base, logo) if logo else None,
        x_size=crd.convert("x_size", "1200x675", parse_size, (1200, 675)),
        linkedin_size=crd.convert("linkedin_size", "1200x627", parse_size, (1200, 627)),
        linkedin_alt_text_limit=crd.get("linkedin_alt_text_limit", int, 250),
        brand=brand,
        bluesky_size=crd.convert("bluesky_size", "1200x675", parse_size, (1200, 675)),
        cache_limit=crd.convert("cache_limit", "200MB", parse_bytes, 200 * 1024 * 1024),
    )
    if max(cards.bluesky_size) > 2000:
        crd.problem("bluesky_size", "Bluesky images may be at most 2000 pixels a side")
    if cards.logo is not None and not cards.logo.is_file():
        crd.problem("logo", f"no such file: {cards.logo}")
    if cards.cache_limit < 1024 * 1024:
        crd.problem("cache_limit", "must be at least 1MB (a vignette's cards are a few hundred KB)")
    if not 50 <= cards.linkedin_alt_text_limit <= 4086:
        crd.problem("linkedin_alt_text_limit", "must be between 50 and 4086")
    crd.finish()

    return cards


def read_engagement(root: Reader) -> EngagementConfig:
    eng = root.table("engagement")
    offsets = []
    for text in eng.strings("poll_after", ("1h", "1d", "7d", "28d", "90d")):
        try:
            offsets.append(parse_duration(text))
        except ValueError as exc:
            eng.problem("poll_after", str(exc))
    if offsets != sorted(offsets):
        eng.problem("poll_after", "offsets must be in increasing order")
    eng.finish()

    return EngagementConfig(poll_after=tuple(offsets))


def read_alerts(root: Reader) -> AlertsConfig:
    al = root.table("alerts")
    alerts = AlertsConfig(
        webhook_url=al.get("webhook_url", str, ""),
        email_to=al.strings("email_to", ()),
        email_from=al.get("email_from", str, ""),
        smtp_host=al.get("smtp_host", str, ""),
        smtp_port=al.get("smtp_port", int, 25),
    )
    loopback = re.match(r"^http://(127\.0\.0\.1|localhost|\[::1\])[:/]", alerts.webhook_url)
    if alerts.webhook_url and not (alerts.webhook_url.startswith("https://") or loopback):
        al.problem("webhook_url", "must be an https:// URL (http:// only on this machine)")
    if alerts.email_to and not (alerts.smtp_host and alerts.email_from):
        al.problem("email_to", "email alerts need smtp_host and email_from too")
    al.finish()

    return alerts


def read_daemon(root: Reader, base: Path) -> DaemonConfig:
    dmn = root.table("daemon")
    log_format = dmn.get("log_format", str, "text")
    if log_format not in ("text", "json"):
        dmn.problem("log_format", f"{log_format!r} is not 'text' or 'json'")
        log_format = "text"
    daemon = DaemonConfig(
        tick=dmn.convert("tick", "5m", parse_duration, dt.timedelta(minutes=5)),
        log_format=log_format,  # type: ignore[arg-type]
        var_dir=resolve(base, dmn.get("var_dir", str, "var")),
    )
    if not dt.timedelta(seconds=10) <= daemon.tick <= dt.timedelta(hours=1):
        dmn.problem("tick", "must be between 10s and 1h")
    dmn.finish()

    return daemon
