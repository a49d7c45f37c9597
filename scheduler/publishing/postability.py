"""Can this case study actually be posted? Rendering is the only definitive test (fonts,
text fitting, X's weighted length), so approve, queue and plan ask it early rather than
letting a month fail at its slot.

Rendering costs tens of milliseconds a platform, so answers are remembered in the database
(`render_checks`), keyed by content hash, month and a fingerprint of everything else that
decides the outcome: the card and platform settings, the logo, the fonts and the rendering
code itself. Change any of them and every answer is worked out afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from scheduler.config import Config
from scheduler.errors import SchedulerError
from vignettes.content import CaseStudyContent
from vignettes.errors import VignettesError
from vignettes.planning.slots import Month
from vignettes.store.queries import Store
from vignettes.store.render_checks import cached_render_checks, remember_render_checks

log = logging.getLogger(__name__)

# The code whose behaviour decides whether a vignette renders: the cards package and the
# composition of post texts. Hashed into the settings fingerprint.
_CODE = (
    *sorted((Path(__file__).parents[2] / "cards").glob("*.py")),
    Path(__file__).with_name("compose.py"),
    Path(__file__).with_name("rendering.py"),
)


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


_fingerprints: dict[int, tuple[Config, str]] = {}


def settings_fingerprint(config: Config) -> str:
    """A digest of everything but the content and month that decides whether a vignette
    renders (remembered per Config object: a process keeps one)."""
    known = _fingerprints.get(id(config))
    if known is not None and known[0] is config:
        return known[1]
    from cards.fonts import Face, face_path, raqm_available

    digest = hashlib.sha256()
    # The vocabulary's labels are drawn on the cards.
    digest.update(repr((config.cards, config.platforms, config.importing.vocabulary)).encode())
    if config.cards.logo is not None:
        try:
            digest.update(hashlib.sha256(config.cards.logo.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"unreadable logo: {exc.strerror}".encode())
    for face in Face:
        path = face_path(face)
        digest.update(f"{face.name}:{path.stat().st_size if path else 'absent'}".encode())
    digest.update(f"raqm:{raqm_available()}".encode())
    for source in _CODE:
        digest.update(source.read_bytes())
    value = digest.hexdigest()
    _fingerprints[id(config)] = (config, value)
    return value


class Postability:
    """Answers "could this be posted in that month?" for many case studies at once: one
    query for what is remembered, a render for the rest, and one write to remember them."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config

    def problems(
        self, items: Sequence[tuple[CaseStudyContent, Month | None]], now: dt.datetime
    ) -> list[str | None]:
        """For each (content, month): None when it could be posted, else why not."""
        settings = settings_fingerprint(self.config)
        keys = [(content.content_hash(), str(month) if month else "") for content, month in items]
        with self.store.read() as session:
            known = cached_render_checks(session, keys, settings)
        fresh: dict[tuple[str, str], str] = {}
        for key, (content, month) in zip(keys, items, strict=True):
            if key not in known and key not in fresh:
                first_day = month.first_day if month else None
                fresh[key] = why_not_postable(content, self.config, first_day) or ""
        if fresh:
            self._remember(fresh, settings, now)
        answers = {**known, **fresh}
        return [answers[key] or None for key in keys]

    def problem(
        self, content: CaseStudyContent, month: Month | None, now: dt.datetime
    ) -> str | None:
        return self.problems([(content, month)], now)[0]

    def _remember(self, fresh: dict[tuple[str, str], str], settings: str, now: dt.datetime) -> None:
        # Only a cache: a database that cannot take the write (read-only, locked) costs a
        # render next time, never the answer itself.
        try:
            with self.store.write() as session:
                remember_render_checks(session, fresh, settings, now)
        except (SQLAlchemyError, VignettesError) as exc:
            log.debug("postability answers not remembered: %s", exc)
