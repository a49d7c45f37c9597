"""A case study's cards and post texts for a screen, rendered on demand and kept on disk:
the `rendered cards` cache, keyed by content hash, month and settings fingerprint
(`scheduler.publishing.postability`), so a page shows them at once the second time and
never shows a stale card after an edit or a change of settings or code.

The cache lives under `daemon.var_dir/cache/vignettes/`, one folder per key; deleting it
loses nothing but time. After each render it is pruned: folders made under another
fingerprint go, then the least recently used until the whole is within `[cards]
cache_limit`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scheduler.errors import SchedulerError
from scheduler.files import write_atomic
from scheduler.operations.context import Workspace
from scheduler.platforms.registry import INFO
from scheduler.publishing.postability import settings_fingerprint
from scheduler.publishing.preview_page import display_text
from scheduler.publishing.rendering import PLATFORMS, render_vignette
from vignettes.content import CaseStudyContent
from vignettes.planning.slots import Month
from vignettes.store import read_models
from vignettes.store.queries import get_case_study

__all__ = [
    "PLATFORMS",
    "CardPost",
    "Thumbnail",
    "VignetteCards",
    "card_png",
    "card_thumbnail",
    "content_cards",
    "vignette_cards",
]

# A calendar's thumbnails: wide enough for a third of the page, a tenth of a card's bytes.
THUMBNAIL_WIDTH = 480


@dataclass(frozen=True)
class CardPost:
    """One platform's post as it would go out: text as sent and as read, its length against
    the platform's limit (X: weighted), the card's size and alt text, and the warnings."""

    platform: str
    text: str
    display_text: str
    length: int
    limit: int
    alt_text: str
    alt_text_limit: int
    width: int
    height: int
    png_bytes: int
    warnings: tuple[str, ...]

    @property
    def label(self) -> str:
        """The platform as people write it (`LinkedIn`)."""
        return INFO[self.platform].label

    @property
    def length_unit(self) -> str:
        """What `length` and `limit` count: X weighted characters, LinkedIn characters,
        Bluesky graphemes."""
        return INFO[self.platform].length_unit


@dataclass(frozen=True)
class VignetteCards:
    """The posts for one case study in one month (None: a preview), or why it cannot be
    posted (`problem`, and then no posts)."""

    ref: str
    content_hash: str
    month: Month | None
    key: str
    posts: tuple[CardPost, ...]
    problem: str | None = None


def _folder(ws: Workspace) -> Path:
    return ws.config.daemon.var_dir / "cache" / "vignettes"


def vignette_cards(ws: Workspace, ref: str, month: Month | None = None) -> VignetteCards:
    """`ref`'s posts for every platform, from the cache or rendered now. Raises NotFound."""

    def read() -> CaseStudyContent:
        with ws.store.read() as session:
            return get_case_study(session, ref).content()

    # A page shows the same cards again and again: the content is read afresh only after
    # someone changed the database.
    return content_cards(ws, read_models.cached(ws.store, ("content", ref), read), month)


def content_cards(
    ws: Workspace, content: CaseStudyContent, month: Month | None = None
) -> VignetteCards:
    """The posts `content` (stored or not: a form's preview) gives for every platform,
    from the cache or rendered now."""
    config = ws.config
    ref = content.ref
    content_hash = content.content_hash()
    settings = settings_fingerprint(config)
    raw = f"{content_hash}|{month or ''}|{settings}"
    key = hashlib.sha256(raw.encode()).hexdigest()[:32]
    folder = _folder(ws) / key
    known = _read(folder)
    if known is not None:
        _touch(folder)
        return VignetteCards(ref, content_hash, month, key, *known)
    try:
        vignette = render_vignette(
            content,
            config,
            month.first_day if month else None,
            platforms=config.platforms.enabled(),
        )
    except SchedulerError as exc:
        _write(folder, (), str(exc), {}, settings)
        prune(_folder(ws), settings, config.cards.cache_limit)
        return VignetteCards(ref, content_hash, month, key, (), str(exc))
    posts = tuple(
        CardPost(
            platform=p.platform,
            text=p.text,
            display_text=display_text(p),
            length=p.text_length,
            limit=p.text_limit,
            alt_text=p.alt_text,
            alt_text_limit=p.alt_text_limit,
            width=p.card.width,
            height=p.card.height,
            png_bytes=len(p.card.png),
            warnings=p.warnings,
        )
        for p in vignette.posts
    )
    _write(folder, posts, None, {p.platform: p.card.png for p in vignette.posts}, settings)
    prune(_folder(ws), settings, config.cards.cache_limit)
    return VignetteCards(ref, content_hash, month, key, posts)


def card_png(ws: Workspace, key: str, platform: str) -> bytes | None:
    """The PNG of a card `vignette_cards` rendered (by its `key`), or None if unknown."""
    if not (len(key) == 32 and all(c in "0123456789abcdef" for c in key)):
        return None
    if platform not in PLATFORMS:
        return None
    try:
        return (_folder(ws) / key / f"{platform}.png").read_bytes()
    except OSError:
        return None


def _read(folder: Path) -> tuple[tuple[CardPost, ...], str | None] | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        posts = tuple(CardPost(**{**p, "warnings": tuple(p["warnings"])}) for p in meta["posts"])
        if not all((folder / f"{p.platform}.png").is_file() for p in posts):
            return None
        return posts, meta["problem"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or damaged: render afresh


def _write(
    folder: Path,
    posts: tuple[CardPost, ...],
    problem: str | None,
    pngs: dict[str, bytes],
    settings: str,
) -> None:
    # Only a cache: a folder that cannot be written costs a render next time, nothing more.
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for platform, png in pngs.items():
            write_atomic(folder / f"{platform}.png", png)
        meta: dict[str, Any] = {
            "posts": [asdict(p) for p in posts],
            "problem": problem,
            "settings": settings,
        }
        write_atomic(folder / "meta.json", json.dumps(meta, ensure_ascii=False))
        os.chmod(folder, 0o700)
    except OSError:
        pass


def _touch(folder: Path) -> None:
    # Its time is when it was last shown: what pruning goes by.
    with contextlib.suppress(OSError):
        os.utime(folder)


def prune(cache: Path, settings: str, limit: int) -> None:
    """Delete the folders of `cache` made under another fingerprint than `settings` (they
    can never be shown again), then the least recently shown until the rest take at most
    `limit` bytes. Only a cache: whatever cannot be read or deleted is left."""
    kept: list[tuple[float, int, Path]] = []
    try:
        folders = [entry for entry in cache.iterdir() if entry.is_dir()]
    except OSError:
        return
    for folder in folders:
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            size = sum(f.stat().st_size for f in folder.iterdir())
            shown = folder.stat().st_mtime
        except (OSError, ValueError):
            continue  # being written, or damaged: read afresh and rewritten when asked for
        if not isinstance(meta, dict) or meta.get("settings") != settings:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            kept.append((shown, size, folder))
    total = sum(size for _shown, size, _folder in kept)
    for _shown, size, folder in sorted(kept):
        if total <= limit:
            break
        shutil.rmtree(folder, ignore_errors=True)
        total -= size


@dataclass(frozen=True)
class Thumbnail:
    """A card scaled down for a calendar; `key` changes whenever the card would."""

    key: str
    platform: str
    png: bytes


def card_thumbnail(
    ws: Workspace, ref: str, month: Month | None, width: int = THUMBNAIL_WIDTH
) -> Thumbnail | None:
    """The first enabled platform's card of `ref` in `month`, `width` pixels wide
    (rendered and kept beside the card the first time, in its folder: pruned with it);
    None when it cannot be posted. Raises NotFound."""
    cards = vignette_cards(ws, ref, month)
    if not cards.posts:
        return None
    platform = cards.posts[0].platform
    path = _folder(ws) / cards.key / f"{platform}-{width}.png"
    key = f"{cards.key}-{width}"
    try:
        return Thumbnail(key, platform, path.read_bytes())
    except OSError:
        pass
    png = card_png(ws, cards.key, platform)
    if png is None:  # the cache could not be written: render the card again
        return None
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.thumbnail((width, width * 4))
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
    data = out.getvalue()
    with contextlib.suppress(OSError):  # only a cache
        write_atomic(path, data)
    return Thumbnail(key, platform, data)
