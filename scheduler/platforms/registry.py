"""What people see of each platform: its name, chart styling, how its text is counted and
which figures it never offers. The list of platforms itself is `PLATFORM_NAMES` (the fields
of `PlatformsConfig`); this module adds presentation only, so a new network is one entry
here, one config section, one adapter and one composer.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.config import PLATFORM_NAMES


@dataclass(frozen=True)
class PlatformInfo:
    label: str  # as people write it
    colour: str  # chart bars; NHS identity colours, each ≥ 3:1 against white
    hatch: str  # bars also differ by hatch, not colour alone (WCAG 1.4.1)
    line: str  # line style in the impressions chart
    length_unit: str  # what the text limit counts
    not_offered: tuple[str, ...] = ()  # figures the API has no way to give, ever


INFO: dict[str, PlatformInfo] = {
    "x": PlatformInfo("X", "#231F20", "", "-", "weighted characters"),
    "linkedin": PlatformInfo(
        "LinkedIn", "#005EB8", "//", "--", "characters", not_offered=("quotes", "bookmarks")
    ),
    "bluesky": PlatformInfo(
        "Bluesky",
        "#006747",  # NHS Dark Green
        "..",
        "-.",
        "graphemes",
        not_offered=("impressions", "link_clicks"),
    ),
}
assert tuple(INFO) == PLATFORM_NAMES, "every platform in PlatformsConfig needs an entry here"

NOT_OFFERED = "not offered"


def label(name: str) -> str:
    """`bluesky` → `Bluesky`; an unknown name is shown as it is."""
    info = INFO.get(name)
    return info.label if info else name


def not_offered(name: str, figure: str) -> bool:
    """True when `name` has no API for `figure` (Bluesky impressions): show "not offered",
    never 0 and never a blank that looks like a failed read."""
    info = INFO.get(name)
    return info is not None and figure in info.not_offered


def not_offered_reason(name: str) -> str:
    """The `unavailable` reason an adapter records for the figures it never offers."""
    info = INFO[name]
    return f"{', '.join(info.not_offered)}: {NOT_OFFERED} by {info.label}"
