"""Platform checks for `vignettes doctor` (and preflight): read-only calls only."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import requests

from scheduler.clock import Clock
from scheduler.config import Config
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import TokenStore, expiry_warnings
from scheduler.errors import ConfigError
from scheduler.platforms.base import PlatformError
from scheduler.platforms.factory import make_platform
from scheduler.platforms.linkedin.version import linkedin_version_age_warning

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    severity: Severity
    message: str


def platform_checks(
    config: Config, secrets: Secrets, clock: Clock, session: requests.Session | None = None
) -> list[Check]:
    """For each enabled platform: credentials, a read-only `whoami`, token expiry and (for
    LinkedIn) the API version's age. Never raises for a failing platform: it becomes a Check."""
    checks: list[Check] = []
    now = clock.now()
    store = TokenStore.in_var_dir(config.daemon.var_dir)
    for name in config.platforms.enabled():
        mode = config.platforms.get(name).mode
        if mode == "outbox":
            checks.append(_outbox_check(name, config))
            continue
        try:
            identity = make_platform(name, config, secrets, clock, session).whoami()
        except ConfigError as exc:
            checks.append(Check(f"{name}: credentials", False, "error", "; ".join(exc.problems)))
        except PlatformError as exc:
            checks.append(Check(f"{name}: account", False, "error", exc.message))
        else:
            detail = f" ({identity.detail})" if identity.detail else ""
            checks.append(
                Check(f"{name}: account", True, "info", f"acts as {identity.display_name}{detail}")
            )
    if config.platforms.linkedin.enabled and config.platforms.linkedin.mode == "live":
        warning = linkedin_version_age_warning(config.platforms.linkedin.version, now)
        checks.append(
            Check(
                "linkedin: API version",
                warning is None,
                "warning" if warning else "info",
                warning or f"LinkedIn-Version {config.platforms.linkedin.version} is current",
            )
        )
        try:
            warnings = expiry_warnings(store, now)
        except ConfigError as exc:
            checks.append(Check("linkedin: token store", False, "error", "; ".join(exc.problems)))
        else:
            for w in warnings:
                checks.append(
                    Check(
                        f"linkedin: {w.token} token",
                        False,
                        "error" if w.expired else "warning",
                        w.message,
                    )
                )
    return checks


def _outbox_check(name: str, config: Config) -> Check:
    folder = config.outbox_dir
    probe = folder if folder.exists() else folder.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if os.access(probe, os.W_OK):
        return Check(f"{name}: outbox", True, "info", f"outbox mode: posts are written to {folder}")
    return Check(f"{name}: outbox", False, "error", f"outbox folder {folder} is not writable")
