"""The record of what went out: exactly the card, text and alt text being sent, kept under
`cards.output_dir/<month>/`, so a person can always see what was posted.

Writing it must never stop a showcase (a full disk or a read-only folder is no reason not to
post), but it must not fail silently either: `archive_sent` says what went wrong, and the
publisher raises an alert (`ARCHIVE_ALERT`) once the send is recorded.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scheduler.files import write_atomic
from scheduler.platforms.base import PreparedPost
from scheduler.publishing.snapshot import Snapshot

log = logging.getLogger(__name__)

# One key for the archive folder: it is one condition (the folder cannot be written) that
# a person fixes once; the alert's message names the latest post it missed.
ARCHIVE_ALERT = "archive"


def archive_sent(
    output_dir: Path, snapshot: Snapshot, platform: str, prepared: PreparedPost
) -> str | None:
    """Write `<month>/<ref>-<platform>.png|.txt|.alt.txt`. Returns None when written, else
    what went wrong (for the alert); never raises for a file-system failure."""
    stem = output_dir / str(snapshot.month) / f"{snapshot.content.ref}-{platform}"
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(stem.with_suffix(".png"), prepared.image_png)
        write_atomic(stem.with_suffix(".txt"), prepared.text)
        write_atomic(stem.with_suffix(".alt.txt"), prepared.alt_text)
    except OSError as exc:
        problem = (
            f"{snapshot.month} {platform}: the card, text and alt text sent were not archived "
            f"in {stem.parent} ({exc.strerror or exc}); the post went out regardless. Make "
            "cards.output_dir writable (see `vignettes doctor`); the text sent is also on "
            "the post row"
        )
        log.warning("%s", problem)
        return problem
    return None
