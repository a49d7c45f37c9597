"""The record of what went out: exactly the card, text and alt text being sent, kept under
`cards.output_dir/<month>/`, so a person can always see what was posted."""

from __future__ import annotations

import logging
from pathlib import Path

from scheduler.files import write_atomic
from scheduler.platforms.base import PreparedPost
from scheduler.publishing.snapshot import Snapshot

log = logging.getLogger(__name__)


def archive_sent(
    output_dir: Path, snapshot: Snapshot, platform: str, prepared: PreparedPost
) -> None:
    """Write `<month>/<ref>-<platform>.png|.txt|.alt.txt`. A full disk must not stop the
    post, so a failure is logged, never raised."""
    stem = output_dir / str(snapshot.month) / f"{snapshot.content.ref}-{platform}"
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(stem.with_suffix(".png"), prepared.image_png)
        write_atomic(stem.with_suffix(".txt"), prepared.text)
        write_atomic(stem.with_suffix(".alt.txt"), prepared.alt_text)
    except OSError as exc:
        log.warning(
            "%s %s: card not archived in %s: %s",
            snapshot.month,
            platform,
            stem.parent,
            exc.strerror,
        )
