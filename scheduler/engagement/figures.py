"""The engagement figures every platform may report, and the platforms' names for people
(from `scheduler.platforms.registry`)."""

from __future__ import annotations

from scheduler.platforms.registry import INFO

FIGURES = ("impressions", "likes", "reposts", "replies", "quotes", "link_clicks", "bookmarks")
PLATFORM_NAMES = {name: info.label for name, info in INFO.items()}
