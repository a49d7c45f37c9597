"""The outbox: the embedded default "platform" that writes what would be posted to disk.

Each post becomes a folder `outbox_dir/<YYYYmmddTHHMMSSZ>-<platform>-<hash8>/` holding
`text.txt`, `alt.txt`, `card.png` and `post.json`. The folder is written under a hidden
temporary name, fsynced, then renamed, so a reader never sees half a post. Same seam as the
live adapters, so the whole pipeline runs with no accounts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets as pysecrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from scheduler.clock import Clock
from scheduler.files import sync_folder, write_atomic
from scheduler.platforms.base import (
    Identity,
    Metrics,
    PreparedPost,
    Published,
    RecentPost,
    RemoteRef,
    Transient,
)

OUTBOX_PREFIX = "outbox:"
UNAVAILABLE = ("outbox mode: nothing was posted, so there is no engagement",)


class OutboxPlatform:
    """Writes posts for one platform name ("x" or "linkedin") into `outbox_dir`."""

    def __init__(self, platform: str, outbox_dir: Path, clock: Clock) -> None:
        self.name = platform
        self.outbox_dir = Path(outbox_dir)
        self.clock = clock

    def __repr__(self) -> str:
        return f"OutboxPlatform({self.name!r}, {str(self.outbox_dir)!r})"

    def publish(self, post: PreparedPost) -> Published:
        """Write the post atomically; raises Transient if the disk refuses (nothing written)."""
        now = self.clock.now().astimezone(dt.UTC)
        folder = f"{now:%Y%m%dT%H%M%SZ}-{self.name}-{post.content_hash.rpartition(':')[2][:8]}"
        final = self.outbox_dir / folder
        if final.exists():  # same post, same second: already written, say so
            return self._published(final)
        temp = self.outbox_dir / f".{folder}.{pysecrets.token_hex(4)}.tmp"
        record = {
            "platform": self.name,
            "written_at": now.isoformat(),
            "content_hash": post.content_hash,
            "text": post.text,
            "alt_text": post.alt_text,
            "image": "card.png",
            "image_bytes": len(post.image_png),
        }
        try:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            temp.mkdir()
            write_atomic(temp / "text.txt", post.text, mode=0o644)
            write_atomic(temp / "alt.txt", post.alt_text, mode=0o644)
            write_atomic(temp / "card.png", post.image_png, mode=0o644)
            write_atomic(temp / "post.json", json.dumps(record, indent=2), mode=0o644)
            os.rename(temp, final)
            sync_folder(self.outbox_dir)
        except OSError as exc:
            shutil.rmtree(temp, ignore_errors=True)
            raise Transient(f"outbox: cannot write {final}: {exc.strerror}") from None
        return self._published(final)

    def _published(self, folder: Path) -> Published:
        return Published(remote_id=OUTBOX_PREFIX + folder.name, url=folder.resolve().as_uri())

    def metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        return [
            Metrics(
                remote_id=ref.remote_id,
                impressions=0,
                likes=0,
                reposts=0,
                replies=0,
                quotes=0,
                link_clicks=0,
                bookmarks=0,
                engagement_rate=0.0,
                unavailable=UNAVAILABLE,
            )
            for ref in refs
        ]

    def recent_posts(self, limit: int) -> list[RecentPost]:
        """Posts in the outbox for this platform, newest first."""
        if not self.outbox_dir.is_dir():
            return []
        folders = sorted(
            (
                p
                for p in self.outbox_dir.iterdir()
                if p.is_dir()
                and not p.name.startswith(".")
                and p.name.split("-")[1:2] == [self.name]
            ),
            key=lambda p: p.name,
            reverse=True,
        )
        posts = []
        for folder in folders[:limit]:
            try:
                record = json.loads((folder / "post.json").read_text(encoding="utf-8"))
                created = dt.datetime.fromisoformat(record["written_at"])
            except (OSError, ValueError, KeyError):
                continue
            published = self._published(folder)
            posts.append(
                RecentPost(published.remote_id, published.url, str(record.get("text", "")), created)
            )
        return posts

    def whoami(self) -> Identity:
        return Identity(self.name, "outbox", f"outbox at {self.outbox_dir}", "nothing is posted")
