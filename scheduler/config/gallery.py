"""`[gallery]`: the public gallery at /gallery and its Atom feed.

Off unless a config turns it on (the bundled `config.toml` does): a new installation shows
nothing to the world until someone decides it should. `embed_origins` are the only sites
allowed to frame the gallery (its CSP `frame-ancestors`); `feed_accepted` adds an entry per
newly accepted case study to the feed, beside one per showcased vignette.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scheduler.config.reader import Reader

# A tag URI's tagging entity (RFC 4151): a DNS name or an email address, a comma, a date.
_TAG_AUTHORITY = re.compile(
    r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[^@\s,]+@[A-Za-z0-9.-]+)"
    r",\d{4}(?:-\d{2}(?:-\d{2})?)?$"
)
DEFAULT_TAG_AUTHORITY = "impact-vignettes.invalid,2026"


@dataclass(frozen=True)
class GalleryConfig:
    enabled: bool = False
    embed_origins: tuple[str, ...] = ()
    feed_accepted: bool = False
    # What makes the feed's entry ids (tag URIs) the same whichever host name serves it.
    feed_tag_authority: str = DEFAULT_TAG_AUTHORITY


def parse_origin(text: str) -> str:
    """`https://intranet.example.nhs.uk[:port]` as CSP `frame-ancestors` takes it; raises
    ValueError for anything else (a path, a wildcard, credentials, plain http off this
    machine)."""
    value = text.strip()
    parts = urlsplit(value)
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ValueError(f"{text!r} is not an https:// origin (http:// only on this machine)")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r} has a port that is not a number from 1 to 65535") from None
    host = parts.hostname or ""
    if not re.fullmatch(r"[A-Za-z0-9.-]+|\[?[0-9a-fA-F:]+\]?", host) or parts.username:
        raise ValueError(f"{text!r} is not an origin like 'https://intranet.example.nhs.uk'")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{text!r} has a path: an origin is a scheme, a host and a port only")
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown.lower()}" + (f":{port}" if port else "")


def read_gallery(root: Reader) -> GalleryConfig:
    """Read the `[gallery]` table, adding every problem to the reader's list."""
    section = root.table("gallery")
    default = GalleryConfig()
    origins = []
    for text in section.strings("embed_origins", ()):
        try:
            origins.append(parse_origin(text))
        except ValueError as exc:
            section.problem("embed_origins", str(exc))
    authority = section.get("feed_tag_authority", str, default.feed_tag_authority)
    if not _TAG_AUTHORITY.match(authority):
        section.problem(
            "feed_tag_authority",
            f"{authority!r} is not a domain (or email address), a comma and a date, "
            "like 'library.example.nhs.uk,2026'",
        )
    config = GalleryConfig(
        enabled=section.get("enabled", bool, default.enabled),
        embed_origins=tuple(dict.fromkeys(origins)),
        feed_accepted=section.get("feed_accepted", bool, default.feed_accepted),
        feed_tag_authority=authority,
    )
    section.finish()
    return config
