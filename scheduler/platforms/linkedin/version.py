"""The `LinkedIn-Version` header ages: LinkedIn supports each monthly version for about a
year, then answers 426. Pure and light, so `status` can warn without loading an HTTP stack."""

from __future__ import annotations

import datetime as dt
import re

VERSION_WARN_MONTHS = 10


def linkedin_version_age_warning(version: str, now: dt.datetime) -> str | None:
    """A warning when `version` (YYYYMM) is ~10+ months old or in the future, else None.

    LinkedIn supports each monthly version for about a year, then answers 426."""
    match = re.fullmatch(r"(20\d{2})(0[1-9]|1[0-2])", version)
    if not match:
        return f"LinkedIn-Version {version!r} is not YYYYMM"
    age = (now.year * 12 + now.month) - (int(match[1]) * 12 + int(match[2]))
    suggestion = suggested_version(now)
    if age < 0:
        return (
            f"LinkedIn-Version {version} is in the future; LinkedIn will reject it — "
            f"use a released month such as {suggestion}"
        )
    if age >= VERSION_WARN_MONTHS:
        risk = "may already be sunset" if age >= 12 else "will be sunset within about two months"
        return (
            f"LinkedIn-Version {version} is {age} months old and {risk}; set "
            f'[platforms.linkedin] version = "{suggestion}" in config.toml after checking '
            "the LinkedIn versioning page"
        )
    return None


def suggested_version(now: dt.datetime) -> str:
    """Two months back: released, and with most of a year of support left."""
    months = now.year * 12 + now.month - 1 - 2
    return f"{months // 12}{months % 12 + 1:02d}"
