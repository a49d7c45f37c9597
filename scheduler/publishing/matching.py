"""Recognising our own post among an account's recent posts.

Platforms hand text back changed: X rewrites links to t.co, appends a media link and
HTML-escapes; LinkedIn returns little-text escapes and hashtag templates. Compare what a
reader would see, on a prefix long enough to be unique in practice.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

from scheduler.platforms.base import RecentPost

MATCH_PREFIX = 80
_URL = re.compile(r"https?://\S+")
_ESCAPE = re.compile(r"\\(.)")
_HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|([^}]*)\}")


def normalise(text: str) -> str:
    text = html.unescape(text)
    text = _HASHTAG_TEMPLATE.sub(r"#\1", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _URL.sub(" ", text)
    return " ".join(text.split()).casefold()


def find_match(
    sent: str, recent: Sequence[RecentPost], since: dt.datetime | None
) -> RecentPost | None:
    """The newest-first post whose visible text starts like `sent`, made after `since`."""
    want = normalise(sent)[:MATCH_PREFIX]
    for post in recent:
        if since is not None and post.created_at is not None and post.created_at < since:
            continue
        if want and normalise(post.text).startswith(want):
            return post
    return None
