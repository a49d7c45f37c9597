"""`config.toml` → frozen dataclasses, every problem reported at once.

Secrets are never read here: they come from the environment or a 0600 secrets file
(`scheduler/secrets.py`). Relative paths are resolved against the config file's folder, so
the daemon behaves the same whatever its working directory.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cards.brand import Brand
from scheduler.config_web import WebConfig, parse_web
from scheduler.errors import ConfigError
from vignettes.slots import HOLIDAY_REGIONS

T = TypeVar("T")

SECRET_LIKE = re.compile(r"(token|secret|password|api_key|client_id)", re.IGNORECASE)
_DURATION = re.compile(r"^(?:\d+[smhdw])+$")
_DURATION_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")

Mode = Literal["outbox", "live"]

# What a configured mention must look like on each platform (compose.py uses these too).
X_MENTION = re.compile(r"@?([A-Za-z0-9_]{1,15})")
LINKEDIN_MENTION = re.compile(
    r"@\[(?P<name>[^|{}@\[\]()<>#\\*_~\n]+)\]"
    r"\((?P<urn>urn:li:(?:organization|person):[A-Za-z0-9_-]+)\)"
)
MAX_AVOID_MONTHS = 60
MAX_TIMEOUT = dt.timedelta(minutes=2)


def parse_duration(text: str) -> dt.timedelta:
    """`"3d"`, `"1h"`, `"1d12h"` → timedelta; raises ValueError on anything else."""
    text = text.strip()
    if not _DURATION.match(text):
        raise ValueError(f"{text!r} is not a duration like '90s', '15m', '1h', '3d' or '1d12h'")
    total = dt.timedelta()
    try:
        for amount, unit in _DURATION_PART.findall(text):
            total += dt.timedelta(**{_UNITS[unit]: int(amount)})
    except OverflowError:
        raise ValueError(f"{text!r} is far too long a duration") from None
    return total


def format_duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


@dataclass(frozen=True)
class DatabaseConfig:
    url: str


@dataclass(frozen=True)
class ScheduleConfig:
    day: str
    time: dt.time
    timezone: str
    skip_holidays: str
    grace: dt.timedelta

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SelectionConfig:
    auto_pick: bool
    avoid_same_organisation_months: int


@dataclass(frozen=True)
class BrandConfig:
    """Colour roles; `cards.brand` decides which pairs meet and checks their contrast."""

    primary: str = "#005EB8"
    dark: str = "#003087"
    light: str = "#FFFFFF"
    pale: str = "#E8EDEE"
    footer_text: str = "NHS Knowledge and Library Services"


@dataclass(frozen=True)
class CardsConfig:
    output_dir: Path
    logo: Path | None
    x_size: tuple[int, int]
    linkedin_size: tuple[int, int]
    linkedin_alt_text_limit: int
    brand: BrandConfig


@dataclass(frozen=True)
class PostTemplate:
    template: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]


@dataclass(frozen=True)
class XConfig:
    enabled: bool
    mode: Mode
    api_base: str
    username: str
    timeout: dt.timedelta
    post: PostTemplate


@dataclass(frozen=True)
class LinkedInConfig:
    enabled: bool
    mode: Mode
    api_base: str
    oauth_base: str
    version: str
    author: str
    timeout: dt.timedelta
    post: PostTemplate


@dataclass(frozen=True)
class PlatformsConfig:
    x: XConfig
    linkedin: LinkedInConfig

    def enabled(self) -> list[str]:
        return [name for name, p in (("x", self.x), ("linkedin", self.linkedin)) if p.enabled]


@dataclass(frozen=True)
class EngagementConfig:
    poll_after: tuple[dt.timedelta, ...]


@dataclass(frozen=True)
class AlertsConfig:
    webhook_url: str
    email_to: tuple[str, ...]
    email_from: str
    smtp_host: str
    smtp_port: int


@dataclass(frozen=True)
class DaemonConfig:
    tick: dt.timedelta
    log_format: Literal["text", "json"]
    var_dir: Path


@dataclass(frozen=True)
class Config:
    path: Path
    database: DatabaseConfig
    schedule: ScheduleConfig
    selection: SelectionConfig
    cards: CardsConfig
    platforms: PlatformsConfig
    engagement: EngagementConfig
    alerts: AlertsConfig
    daemon: DaemonConfig
    extra: Mapping[str, Any] = field(default_factory=dict)
    web: WebConfig = field(default_factory=WebConfig)

    @property
    def outbox_dir(self) -> Path:
        return self.daemon.var_dir / "outbox"


DEFAULT_X_TEMPLATE = "{headline}\n\n{summary}\n\n{link}\n\n{hashtags}"
DEFAULT_LINKEDIN_TEMPLATE = (
    "{headline}\n\n{summary}\n\n{quote}\n\nRead the case study: {link}\n\n{mentions}\n\n{hashtags}"
)


class _Reader:
    """Walks one TOML table, collecting problems instead of stopping at the first."""

    def __init__(self, data: Mapping[str, Any], prefix: str, problems: list[str]) -> None:
        self.data = data
        self.prefix = prefix
        self.problems = problems
        self.seen: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self._key(key)}: {message}")

    def table(self, key: str) -> _Reader:
        self.seen.add(key)
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, f"must be a table, got {type(value).__name__}")
            value = {}
        return _Reader(value, self._key(key), self.problems)

    def get(self, key: str, kind: type[T], default: T) -> T:
        self.seen.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.problem(key, f"must be {_kind_name(kind)}, got {value!r}")
            return default
        return value  # type: ignore[no-any-return]

    def convert(self, key: str, default: str, parse: Callable[[str], T], fallback: T) -> T:
        text = self.get(key, str, default)
        try:
            return parse(text)
        except (ValueError, KeyError) as exc:
            # args[0]: a KeyError's str() would add quotes around the message.
            self.problem(key, str(exc.args[0]) if exc.args else str(exc))
            return fallback

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.get(key, list, list(default))
        if not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of strings")
            return default
        return tuple(value)

    def finish(self, *, allow_tables: tuple[str, ...] = ()) -> None:
        for key in self.data:
            if key in self.seen or key in allow_tables:
                continue
            if SECRET_LIKE.search(key):
                self.problem(
                    key,
                    "secrets are never read from config.toml; set them in the environment "
                    "or the 0600 secrets file named by VIGNETTES_SECRETS_FILE",
                )
            else:
                self.problem(key, "unknown key")


def _kind_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false", list: "a list"}.get(
        kind, kind.__name__
    )


def _parse_time(text: str) -> dt.time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a 24-hour time like '10:00'")
    return dt.time(int(match[1]), int(match[2]))


def _parse_zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {text!r} (use an IANA name like 'Europe/London')"
        ) from None
    return text


def _parse_size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a size like '1200x675'")
    return int(match[1]), int(match[2])


def _parse_colour(text: str) -> str:
    if not _HEX.match(text):
        raise ValueError(f"{text!r} is not a colour like '#005EB8'")
    return text.upper()


_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])([:/]|$)")


def _parse_https(text: str) -> str:
    """An API base: https only, so tokens never cross the network in clear; http:// is
    accepted for this machine alone (emulators, local relays)."""
    if not (re.match(r"^https://[^\s/]+", text) or _LOOPBACK.match(text)):
        raise ValueError(f"{text!r} is not an https:// URL (http:// only on this machine)")
    return text.rstrip("/")


def _check_schedule_day(day: str, problems: list[str]) -> None:
    """A slot day must fall exactly once in every month, or months go missing."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger(day=day, hour=12, timezone=dt.UTC)
    except ValueError as exc:
        problems.append(f"schedule.day: {day!r} is not an APScheduler cron day ({exc})")
        return
    # 2027 is a common year and 2028 a leap year: between them every month length occurs.
    for year, month in [(2027, m) for m in range(1, 13)] + [(2028, 2)]:
        start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
        fires = 0
        at: dt.datetime | None = trigger.get_next_fire_time(None, start)
        while at is not None and at < end:
            fires += 1
            at = trigger.get_next_fire_time(at, at + dt.timedelta(seconds=1))
        if fires != 1:
            what = "no day" if fires == 0 else f"{fires} days"
            problems.append(
                f"schedule.day: {day!r} gives {what} in {start:%B %Y}; a slot needs exactly "
                "one day in every month (e.g. '1st tue', 'last fri', '15')"
            )
            return


def _post_template(
    r: _Reader, default_template: str, default_tags: tuple[str, ...]
) -> PostTemplate:
    template = r.get("template", str, default_template)
    for problem in _template_problems(template):
        r.problem("template", problem)
    hashtags = r.strings("hashtags", default_tags)
    for tag in hashtags:
        bare = tag.strip().lstrip("#＃")
        if not re.fullmatch(r"\w+", bare) or not any(ch.isalpha() for ch in bare):
            r.problem("hashtags", f"{tag!r} is not a hashtag (letters, digits and _)")
    mentions = r.strings("mentions", ())
    rule = X_MENTION if r.prefix.endswith(".x") else LINKEDIN_MENTION
    example = "@handle" if rule is X_MENTION else "@[Name](urn:li:organization:123)"
    for mention in mentions:
        if not rule.fullmatch(mention.strip()):
            r.problem("mentions", f"{mention!r} is not a mention like {example}")
    return PostTemplate(template=template, hashtags=hashtags, mentions=mentions)


def _template_problems(template: str) -> list[str]:
    """Placeholders must be plain names from TEMPLATE_FIELDS: no attribute or index access,
    conversions or format specs (a template must never reach into Python objects)."""
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return [f"bad placeholder: {exc}"]
    problems = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS:
            problems.append(f"{{{name}}} is not one of {', '.join(TEMPLATE_FIELDS)}")
        elif spec or conversion:
            problems.append(f"{{{name}}} must be a plain placeholder, without ! or :")
    return problems


TEMPLATE_FIELDS = (
    "headline",
    "summary",
    "link",
    "hashtags",
    "mentions",
    "quote",
    "organisation",
    "title",
    "region",
    "month",
)


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _resolve_db_url(base: Path, url: str) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        return prefix + str(_resolve(base, url[len(prefix) :]))
    return url


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate a parsed TOML document; raises ConfigError listing every problem."""
    problems: list[str] = []
    base = path.parent.resolve()
    root = _Reader(data, "", problems)

    db = root.table("database")
    url = db.get("url", str, "sqlite:///var/vignettes.db")
    if not re.match(r"^(sqlite(\+pysqlite)?:///|postgresql(\+psycopg)?://)", url):
        db.problem("url", f"{url!r} is not a sqlite:///PATH or postgresql+psycopg:// URL")
    db.finish()

    sch = root.table("schedule")
    day = sch.get("day", str, "1st tue")
    _check_schedule_day(day, problems)
    schedule = ScheduleConfig(
        day=day,
        time=sch.convert("time", "10:00", _parse_time, dt.time(10)),
        timezone=sch.convert("timezone", "Europe/London", _parse_zone, "Europe/London"),
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

    sel = root.table("selection")
    selection = SelectionConfig(
        auto_pick=sel.get("auto_pick", bool, True),
        avoid_same_organisation_months=sel.get("avoid_same_organisation_months", int, 6),
    )
    if not 0 <= selection.avoid_same_organisation_months <= MAX_AVOID_MONTHS:
        sel.problem("avoid_same_organisation_months", f"must be between 0 and {MAX_AVOID_MONTHS}")
    sel.finish()

    crd = root.table("cards")
    logo = crd.get("logo", str, "")
    brand_r = crd.table("brand")
    defaults = BrandConfig()
    brand = BrandConfig(
        primary=brand_r.convert("primary", defaults.primary, _parse_colour, defaults.primary),
        dark=brand_r.convert("dark", defaults.dark, _parse_colour, defaults.dark),
        light=brand_r.convert("light", defaults.light, _parse_colour, defaults.light),
        pale=brand_r.convert("pale", defaults.pale, _parse_colour, defaults.pale),
        footer_text=brand_r.get("footer_text", str, defaults.footer_text),
    )
    brand_r.finish()
    # A brand whose text colours fail WCAG AA is a configuration error, not a render-time one.
    contrast = Brand(brand.primary, brand.dark, brand.light, brand.pale, brand.footer_text)
    problems.extend(f"cards.brand: {problem}" for problem in contrast.contrast_problems())
    cards = CardsConfig(
        output_dir=_resolve(base, crd.get("output_dir", str, "var/cards")),
        logo=_resolve(base, logo) if logo else None,
        x_size=crd.convert("x_size", "1200x675", _parse_size, (1200, 675)),
        linkedin_size=crd.convert("linkedin_size", "1200x627", _parse_size, (1200, 627)),
        linkedin_alt_text_limit=crd.get("linkedin_alt_text_limit", int, 250),
        brand=brand,
    )
    if cards.logo is not None and not cards.logo.is_file():
        crd.problem("logo", f"no such file: {cards.logo}")
    if not 50 <= cards.linkedin_alt_text_limit <= 4086:
        crd.problem("linkedin_alt_text_limit", "must be between 50 and 4086")
    crd.finish()

    plat = root.table("platforms")
    xr = plat.table("x")
    x = XConfig(
        enabled=xr.get("enabled", bool, True),
        mode=_mode(xr),
        api_base=xr.convert("api_base", "https://api.x.com", _parse_https, "https://api.x.com"),
        username=xr.get("username", str, ""),
        timeout=xr.convert("timeout", "30s", parse_duration, dt.timedelta(seconds=30)),
        post=_post_template(xr, DEFAULT_X_TEMPLATE, ("NHSLibraries",)),
    )
    xr.finish()
    lr = plat.table("linkedin")
    linkedin = LinkedInConfig(
        enabled=lr.get("enabled", bool, True),
        mode=_mode(lr),
        api_base=lr.convert(
            "api_base", "https://api.linkedin.com", _parse_https, "https://api.linkedin.com"
        ),
        oauth_base=lr.convert(
            "oauth_base", "https://www.linkedin.com", _parse_https, "https://www.linkedin.com"
        ),
        version=lr.get("version", str, "202610"),
        author=lr.get("author", str, "urn:li:organization:0"),
        timeout=lr.convert("timeout", "30s", parse_duration, dt.timedelta(seconds=30)),
        post=_post_template(lr, DEFAULT_LINKEDIN_TEMPLATE, ("NHSLibraries", "EvidenceBased")),
    )
    for name, platform_timeout in (("x", x.timeout), ("linkedin", linkedin.timeout)):
        if not dt.timedelta(seconds=1) <= platform_timeout <= MAX_TIMEOUT:
            # Bounded so that a send still in flight can never be mistaken for a dead one.
            plat.problem(f"{name}.timeout", "must be between 1s and 2m")
    if not re.fullmatch(r"20\d{2}(0[1-9]|1[0-2])", linkedin.version):
        lr.problem("version", f"{linkedin.version!r} is not a LinkedIn-Version like '202610'")
    if not re.fullmatch(r"urn:li:(organization|person):[A-Za-z0-9_-]+", linkedin.author):
        lr.problem(
            "author", f"{linkedin.author!r} is not urn:li:organization:N or urn:li:person:ID"
        )
    lr.finish()
    plat.finish()

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

    dmn = root.table("daemon")
    log_format = dmn.get("log_format", str, "text")
    if log_format not in ("text", "json"):
        dmn.problem("log_format", f"{log_format!r} is not 'text' or 'json'")
        log_format = "text"
    daemon = DaemonConfig(
        tick=dmn.convert("tick", "5m", parse_duration, dt.timedelta(minutes=5)),
        log_format=log_format,  # type: ignore[arg-type]
        var_dir=_resolve(base, dmn.get("var_dir", str, "var")),
    )
    if not dt.timedelta(seconds=10) <= daemon.tick <= dt.timedelta(hours=1):
        dmn.problem("tick", "must be between 10s and 1h")
    dmn.finish()

    web = parse_web(root.table("web"))
    root.finish()
    if problems:
        raise ConfigError(str(path), problems)
    return Config(
        path=path,
        database=DatabaseConfig(url=_resolve_db_url(base, url)),
        schedule=schedule,
        selection=selection,
        cards=cards,
        platforms=PlatformsConfig(x=x, linkedin=linkedin),
        engagement=EngagementConfig(poll_after=tuple(offsets)),
        alerts=alerts,
        daemon=daemon,
        web=web,
    )


def _mode(r: _Reader) -> Mode:
    mode = r.get("mode", str, "outbox")
    if mode not in ("outbox", "live"):
        r.problem("mode", f"{mode!r} is not 'outbox' or 'live'")
        return "outbox"
    return mode  # type: ignore[return-value]


def load_config(path: Path) -> Config:
    """Read and validate `path`; raises ConfigError (exit 78) for any problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            str(path), ["file not found (set --config or VIGNETTES_CONFIG)"]
        ) from None
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read: {exc.strerror}"]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from exc
    return parse_config(data, path)
