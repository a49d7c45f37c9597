"""Bluesky post text: counting its graphemes and finding its rich-text facets.

Pure: no I/O, no clock; below publishing (the composer in `scheduler/publishing/compose_bluesky.py`,
the preview and the adapter all use it). Bluesky counts *graphemes* (Unicode extended
grapheme clusters, as the reference implementation's `graphemeLen` does), so `é`, `🇬🇧` and
a ZWJ family emoji each count 1; a URL counts in full (there is no t.co discount). The record
also caps the text at 3000 UTF-8 bytes.

Facets (links, hashtags, mentions) are found in the final text, so whatever shortening did,
every facet points at bytes that are really there: `byteStart`/`byteEnd` are offsets into
the UTF-8 encoding of the text, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import regex

from scheduler.config import BLUESKY_HANDLE
from vignettes.text import graphemes as grapheme_clusters

BLUESKY_LIMIT = 300  # graphemes
MAX_TEXT_BYTES = 3000  # the lexicon's maxLength, in UTF-8 bytes
MAX_TAG_GRAPHEMES = 64
_URL = regex.compile(r"(?<![^\s(\[{\"'“‘])https?://[^\s]+")  # at a word's start, or after a bracket
_TAG = regex.compile(r"(?<!\S)[#＃](\w+)")
_MENTION = regex.compile(r"(?<!\S)@(" + BLUESKY_HANDLE.pattern + ")")
_TRAILING = ".,;:!?'\"”’…"

FacetKind = Literal["link", "tag", "mention"]


@dataclass(frozen=True)
class Facet:
    """One annotated span of the text, in UTF-8 byte offsets (end exclusive). `value` is the
    link's URI, the tag without `#`, or the mentioned handle (resolved to a DID later)."""

    byte_start: int
    byte_end: int
    kind: FacetKind
    value: str

    def to_record(self, did: str | None = None) -> dict[str, Any]:
        """The `app.bsky.richtext.facet` object; a mention needs the handle's `did`."""
        if self.kind == "link":
            feature: dict[str, Any] = {"$type": "app.bsky.richtext.facet#link", "uri": self.value}
        elif self.kind == "tag":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": self.value}
        else:
            if not did:
                raise ValueError(f"mention of @{self.value} needs the account's DID")
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
        return {
            "index": {"byteStart": self.byte_start, "byteEnd": self.byte_end},
            "features": [feature],
        }


def graphemes(text: str) -> int:
    """How many graphemes Bluesky counts in `text` (extended grapheme clusters)."""
    return len(grapheme_clusters(text))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _byte_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Character offsets → UTF-8 byte offsets."""
    head = utf8_len(text[:start])
    return head, head + utf8_len(text[start:end])


def _trim_url(url: str) -> str:
    """A URL as written in prose: trailing punctuation is not part of it, nor a closing
    bracket that has no opening one inside the URL."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def find_facets(text: str) -> list[Facet]:
    """Every link (`http(s)://…`), hashtag (`#word`, a letter somewhere, ≤ 64 graphemes)
    and `@handle` mention in `text`, in order of position."""
    found: list[tuple[int, Facet]] = []
    for match in _URL.finditer(text):
        url = _trim_url(match[0])
        if len(url) > len("https://"):
            start, end = _byte_span(text, match.start(), match.start() + len(url))
            found.append((match.start(), Facet(start, end, "link", url)))
    for match in _TAG.finditer(text):
        tag = match[1]
        if any(ch.isalpha() for ch in tag) and graphemes(tag) <= MAX_TAG_GRAPHEMES:
            start, end = _byte_span(text, match.start(), match.end())
            found.append((match.start(), Facet(start, end, "tag", tag)))
    for match in _MENTION.finditer(text):
        handle = match[1].rstrip(".")
        start, end = _byte_span(text, match.start(), match.start() + 1 + len(handle))
        found.append((match.start(), Facet(start, end, "mention", handle.lower())))
    return [facet for _, facet in sorted(found, key=lambda item: item[0])]


_POST_URI = regex.compile(
    r"at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]+)"
)


def post_uri_parts(uri: str) -> tuple[str, str] | None:
    """`at://DID/app.bsky.feed.post/RKEY` → (DID, RKEY); None for anything else."""
    match = _POST_URI.fullmatch(uri)
    return (match[1], match[2]) if match else None


def post_url(uri: str) -> str:
    """The post's page on bsky.app for its AT URI (by DID: stable when the handle changes)."""
    parts = post_uri_parts(uri)
    if parts is None:
        return ""
    return f"https://bsky.app/profile/{parts[0]}/post/{parts[1]}"
