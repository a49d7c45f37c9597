"""The configuration as frozen dataclasses: what `config.toml` means once validated.

Parsing and validation live in `scheduler.config.load`; secrets are never part of it
(`scheduler.credentials.secrets`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from scheduler.config.email import EmailConfig
from scheduler.config.gallery import GalleryConfig
from scheduler.config.web import WebConfig
from vignettes.categories import DEFAULT_VOCABULARY, Vocabulary
from vignettes.importing.columns import ColumnRules

Mode = Literal["outbox", "live"]


@dataclass(frozen=True)
class DatabaseConfig:
    url: str
    # How long to wait for another process's lock before saying the database is locked.
    busy_timeout: dt.timedelta = dt.timedelta(seconds=15)


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
    # Prefer case studies that meet more of the vignette readiness criteria.
    prefer_ready: bool = True


@dataclass(frozen=True)
class ImportConfig:
    """`[import]`: local column names, and the impact-category vocabulary (what
    `vignettes.importing.validation.ImportRules` asks for)."""

    columns: ColumnRules = field(default_factory=ColumnRules)
    vocabulary: Vocabulary = DEFAULT_VOCABULARY


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
    bluesky_size: tuple[int, int] = (1200, 675)
    # Bytes the rendered-cards cache may take on disk. Not in repr: it decides nothing
    # about what a card looks like, so it is not part of the settings fingerprint.
    cache_limit: int = field(default=200 * 1024 * 1024, repr=False)


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
class BlueskyConfig:
    enabled: bool
    mode: Mode
    service: str  # the PDS (or entryway) base URL
    handle: str
    langs: tuple[str, ...]
    timeout: dt.timedelta
    post: PostTemplate


@dataclass(frozen=True)
class PlatformsConfig:
    """One field per platform, in publishing order: the fields *are* the list of platforms
    (`PLATFORM_NAMES`), so a new network is one new field here and nowhere else."""

    x: XConfig
    linkedin: LinkedInConfig
    bluesky: BlueskyConfig

    def enabled(self) -> list[str]:
        return [name for name in PLATFORM_NAMES if self.get(name).enabled]

    def get(self, name: str) -> XConfig | LinkedInConfig | BlueskyConfig:
        """The section for platform `name`; KeyError for a name that is not a platform."""
        if name not in PLATFORM_NAMES:
            raise KeyError(name)
        section: XConfig | LinkedInConfig | BlueskyConfig = getattr(self, name)
        return section


PLATFORM_NAMES: tuple[str, ...] = tuple(f.name for f in fields(PlatformsConfig))


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
    importing: ImportConfig = field(default_factory=ImportConfig)
    extra: Mapping[str, Any] = field(default_factory=dict)
    web: WebConfig = field(default_factory=WebConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    gallery: GalleryConfig = field(default_factory=GalleryConfig)

    @property
    def outbox_dir(self) -> Path:
        return self.daemon.var_dir / "outbox"


DEFAULT_X_TEMPLATE = "{headline}\n\n{summary}\n\n{link}\n\n{hashtags}"
DEFAULT_LINKEDIN_TEMPLATE = (
    "{headline}\n\n{summary}\n\n{quote}\n\nRead the case study: {link}\n\n{mentions}\n\n{hashtags}"
)
DEFAULT_BLUESKY_TEMPLATE = "{headline}\n\n{summary}\n\n{link}\n\n{mentions}\n\n{hashtags}"
