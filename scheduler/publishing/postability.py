"""Can this case study actually be posted? Rendering is the only definitive test (fonts,
text fitting, X's weighted length, Bluesky's graphemes), so approve, queue and plan ask it
early rather than letting a month fail at its slot.

Rendering costs tens of milliseconds a platform, so answers are kept in the database: the
`postability answers` cache (`render_checks`), keyed by content hash, month and a
*settings fingerprint* of everything else that decides the outcome:

- the card and platform settings, the logo and the impact-category labels (config values);
- the code: every module `scheduler.publishing.rendering` imports, directly or not (the
  cards package, the composers of every platform's text, Bluesky's grapheme counting, the
  content limits), found by reading their imports, so a module added to that path is
  covered without anyone listing it (configuration code is covered by its values instead);
- the libraries whose behaviour decides a render: Pillow, the twitter-text parser (X's
  weighted length), `regex` (graphemes), and RAQM;
- the font files, by their bytes.

Change any of them and every answer is worked out afresh; answers under any other
fingerprint are deleted (`prune_render_checks`), so the table holds the current ones only.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import importlib.metadata
import logging
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from scheduler.config import Config
from scheduler.errors import SchedulerError
from vignettes.content import CaseStudyContent
from vignettes.errors import VignettesError
from vignettes.planning.slots import Month
from vignettes.store.queries import Store
from vignettes.store.render_checks import (
    cached_render_checks,
    prune_render_checks,
    remember_render_checks,
)

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
RENDERING = "scheduler.publishing.rendering"
# Covered by the configuration's values, which are hashed, not by their code.
_BY_VALUE = ("scheduler.config",)
LIBRARIES = ("pillow", "twitter-text-parser", "regex")


@cache
def fingerprinted_modules() -> tuple[str, ...]:
    """Every project module the rendering of a vignette runs, by reading imports from
    `scheduler.publishing.rendering` down (configuration modules aside)."""
    seen: set[str] = set()
    todo = [RENDERING]
    while todo:
        name = todo.pop()
        if name in seen or name.startswith(_BY_VALUE):
            continue
        path = _source(name)
        if path is None:
            continue
        seen.add(name)
        todo.extend(_imports(path))
    return tuple(sorted(seen))


def _source(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@cache
def _code_and_libraries() -> bytes:
    """The digest of the fingerprinted modules' sources, the libraries' versions, the font
    files' bytes and RAQM: fixed for a process's life."""
    from cards.fonts import Face, face_path, raqm_available

    digest = hashlib.sha256()
    for module in fingerprinted_modules():
        path = _source(module)
        assert path is not None
        digest.update(module.encode() + b"\0" + path.read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library} {importlib.metadata.version(library)}".encode())
    for face in Face:
        path = face_path(face)
        digest.update(face.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path else b"absent")
    digest.update(f"raqm:{raqm_available()}".encode())
    return digest.digest()


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


# Per Config object (a process keeps one; tests make many): the last few only.
_fingerprints: dict[int, tuple[Config, str]] = {}
_KEPT_CONFIGS = 8


def settings_fingerprint(config: Config) -> str:
    """A digest of everything but the content and month that decides whether a vignette
    renders, and how."""
    known = _fingerprints.get(id(config))
    if known is not None and known[0] is config:
        return known[1]
    digest = hashlib.sha256(_code_and_libraries())
    # The vocabulary's labels are drawn on the cards.
    digest.update(repr((config.cards, config.platforms, config.importing.vocabulary)).encode())
    if config.cards.logo is not None:
        try:
            digest.update(hashlib.sha256(config.cards.logo.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"unreadable logo: {exc.strerror}".encode())
    value = digest.hexdigest()
    if len(_fingerprints) >= _KEPT_CONFIGS:
        _fingerprints.clear()
    _fingerprints[id(config)] = (config, value)
    return value


class Postability:
    """Answers "could this be posted in that month?" for many case studies at once: one
    query for what is kept, a render for the rest, and one write to keep them."""

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
        # render next time, never the answer itself. Answers under any other fingerprint
        # can never be asked for again: they go in the same transaction.
        try:
            with self.store.write() as session:
                remember_render_checks(session, fresh, settings, now)
                prune_render_checks(session, settings)
        except (SQLAlchemyError, VignettesError) as exc:
            log.debug("postability answers not kept: %s", exc)
