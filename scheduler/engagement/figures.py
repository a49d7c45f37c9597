"""The engagement figures every platform may report, and the platforms' names for people."""

from __future__ import annotations

FIGURES = ("impressions", "likes", "reposts", "replies", "quotes", "link_clicks", "bookmarks")
PLATFORM_NAMES = {"x": "X", "linkedin": "LinkedIn"}
