"""The configuration: `load_config(path)` → a frozen `Config`; see `config.toml` for every key."""

from scheduler.config.load import load_config, parse_config
from scheduler.config.model import (
    DEFAULT_LINKEDIN_TEMPLATE,
    DEFAULT_X_TEMPLATE,
    AlertsConfig,
    BrandConfig,
    CardsConfig,
    Config,
    DaemonConfig,
    DatabaseConfig,
    EngagementConfig,
    LinkedInConfig,
    Mode,
    PlatformsConfig,
    PostTemplate,
    ScheduleConfig,
    SelectionConfig,
    XConfig,
)
from scheduler.config.values import (
    LINKEDIN_MENTION,
    TEMPLATE_FIELDS,
    X_MENTION,
    format_duration,
    parse_duration,
)

__all__ = [
    "DEFAULT_LINKEDIN_TEMPLATE",
    "DEFAULT_X_TEMPLATE",
    "LINKEDIN_MENTION",
    "TEMPLATE_FIELDS",
    "X_MENTION",
    "AlertsConfig",
    "BrandConfig",
    "CardsConfig",
    "Config",
    "DaemonConfig",
    "DatabaseConfig",
    "EngagementConfig",
    "LinkedInConfig",
    "Mode",
    "PlatformsConfig",
    "PostTemplate",
    "ScheduleConfig",
    "SelectionConfig",
    "XConfig",
    "format_duration",
    "load_config",
    "parse_config",
    "parse_duration",
]
