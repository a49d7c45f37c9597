"""Can this case study actually be posted? Rendering is the only definitive test (fonts,
text fitting, X's weighted length), so approve, queue and plan ask it early rather than
letting a month fail at its slot."""

from __future__ import annotations

import datetime as dt

from scheduler.config import Config
from scheduler.errors import SchedulerError
from vignettes.content import CaseStudyContent


def why_not_postable(
    content: CaseStudyContent, config: Config, month: dt.date | None
) -> str | None:
    """None when cards and texts render for every enabled platform; else the reason."""
    from scheduler.publishing.rendering import render_vignette

    try:
        render_vignette(content, config, month, platforms=config.platforms.enabled())
    except SchedulerError as exc:
        return str(exc)
    return None
