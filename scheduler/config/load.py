"""`config.toml` → `Config`, every problem reported at once (exit 78).

Secrets are never read here: they come from the environment or a 0600 secrets file
(`scheduler.credentials.secrets`). Relative paths are resolved against the config file's
folder, so the daemon behaves the same whatever its working directory.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scheduler.config.email import read_email
from scheduler.config.gallery import read_gallery
from scheduler.config.importing import read_import
from scheduler.config.model import Config
from scheduler.config.platforms import read_platforms
from scheduler.config.reader import Reader
from scheduler.config.sections import (
    read_alerts,
    read_cards,
    read_daemon,
    read_database,
    read_engagement,
    read_schedule,
    read_selection,
)
from scheduler.config.web import read_web
from scheduler.errors import ConfigError


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate a parsed TOML document; raises ConfigError listing every problem."""
    problems: list[str] = []
    base = path.parent.resolve()
    root = Reader(data, "", problems)
    database = read_database(root, base)
    schedule = read_schedule(root)
    selection = read_selection(root)
    cards = read_cards(root, base)
    platforms = read_platforms(root)
    engagement = read_engagement(root)
    alerts = read_alerts(root)
    daemon = read_daemon(root, base)
    importing = read_import(root)
    web = read_web(root)
    email = read_email(root)
    gallery = read_gallery(root)
    root.finish()
    if problems:
        raise ConfigError(str(path), problems)
    return Config(
        path=path,
        database=database,
        schedule=schedule,
        selection=selection,
        cards=cards,
        platforms=platforms,
        engagement=engagement,
        alerts=alerts,
        daemon=daemon,
        importing=importing,
        web=web,
        email=email,
        gallery=gallery,
    )


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
