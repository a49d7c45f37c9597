"""Strict checks of an `app.bsky.feed.post` record, as a PDS validating the lexicons would
make them (docs/bluesky-api-notes.md §2.6–2.8), plus what a careful PDS adds: facet byte
ranges must fall inside the text and on character boundaries.

Each check raises `Invalid(message)`; the emulator answers 400 InvalidRequest with it (or
BlobTooLarge for an oversized image), like the reference PDS's
"Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import regex

TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?")
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
FEATURES = {
    "app.bsky.richtext.facet#link": "uri",
    "app.bsky.richtext.facet#tag": "tag",
    "app.bsky.richtext.facet#mention": "did",
}
MAX_IMAGE_BYTES = 1_000_000


class Invalid(Exception):
    def __init__(self, message: str, name: str = "InvalidRequest") -> None:
        super().__init__(message)
        self.name = name


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def _need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise Invalid(f'{where} must have the property "{key}"')
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Invalid(f"{where}/{key} has the wrong type")
    return value


def check_post(record: Any, blob_lookup: Any) -> None:
    """Validate `record` as `app.bsky.feed.post`; `blob_lookup(cid)` returns the uploaded
    blob's (mimeType, size) for this session, or None."""
    where = "Record"
    if not isinstance(record, dict):
        raise Invalid("Record must be an object")
    if record.get("$type", "app.bsky.feed.post") != "app.bsky.feed.post":
        raise Invalid("Record/$type must be app.bsky.feed.post")
    text = _need(record, "text", str, where)
    if graphemes(text) > 300:
        raise Invalid("Record/text must not be longer than 300 graphemes")
    data = text.encode("utf-8")
    if len(data) > 3000:
        raise Invalid("Record/text must not be longer than 3000 characters")
    stamp = _need(record, "createdAt", str, where)
    if not DATETIME.fullmatch(stamp):
        raise Invalid(
            "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
        )
    langs = record.get("langs", [])
    if not isinstance(langs, list) or len(langs) > 3:
        raise Invalid("Record/langs must not have more than 3 elements")
    for tag in langs:
        if not isinstance(tag, str) or not LANG.fullmatch(tag):
            raise Invalid("Record/langs must be well-formed BCP 47 language tags")
    for i, facet in enumerate(record.get("facets", []) or []):
        check_facet(facet, data, f"Record/facets/{i}")
    if "embed" in record:
        check_images(record["embed"], blob_lookup)


def check_facet(facet: Any, data: bytes, where: str) -> None:
    index = _need(facet, "index", dict, where)
    start = _need(index, "byteStart", int, f"{where}/index")
    end = _need(index, "byteEnd", int, f"{where}/index")
    if not 0 <= start < end <= len(data):
        raise Invalid(f"{where}/index {start}..{end} is outside the text's {len(data)} bytes")
    try:
        span = data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(f"{where}/index {start}..{end} cuts a character in two") from None
    features = _need(facet, "features", list, where)
    if not features:
        raise Invalid(f"{where}/features must not be empty")
    for feature in features:
        kind = _need(feature, "$type", str, f"{where}/features")
        if kind not in FEATURES:
            raise Invalid(f"{where}/features has an unknown $type {kind}")
        value = _need(feature, FEATURES[kind], str, f"{where}/features")
        if kind.endswith("#link") and span != value and not value.startswith("https://"):
            raise Invalid(f"{where}/features link uri must be a URL")
        if kind.endswith("#tag") and (value.startswith("#") or graphemes(value) > 64):
            raise Invalid(f"{where}/features tag must be ≤ 64 graphemes without '#'")
        if kind.endswith("#mention") and not value.startswith("did:"):
            raise Invalid(f"{where}/features did must be a DID")


def check_images(embed: Any, blob_lookup: Any) -> None:
    where = "Record/embed"
    if _need(embed, "$type", str, where) != "app.bsky.embed.images":
        raise Invalid(f"{where} must be app.bsky.embed.images in this emulator")
    images = _need(embed, "images", list, where)
    if not 1 <= len(images) <= 4:
        raise Invalid(f"{where}/images must have 1 to 4 elements")
    for i, image in enumerate(images):
        at = f"{where}/images/{i}"
        _need(image, "alt", str, at)
        blob = _need(image, "image", dict, at)
        if blob.get("$type") != "blob":
            raise Invalid(f"{at}/image should be a blob ref")
        ref = _need(blob, "ref", dict, f"{at}/image")
        cid = _need(ref, "$link", str, f"{at}/image/ref")
        mime = _need(blob, "mimeType", str, f"{at}/image")
        size = _need(blob, "size", int, f"{at}/image")
        uploaded = blob_lookup(cid)
        if uploaded is None:
            raise Invalid(f"Could not find blob: {cid}", "BlobNotFound")
        if uploaded != (mime, size):
            raise Invalid(f"{at}/image does not match the uploaded blob {cid}")
        if not mime.startswith("image/"):
            raise Invalid(f"Wrong type of file. It is {mime} but it must match image/*.")
        if size > MAX_IMAGE_BYTES:
            raise Invalid(
                f"This file is too large. It is {size / 1e6:.2f}MB but the maximum size is "
                "976.56KB.",
                "BlobTooLarge",
            )
        if "aspectRatio" in image:
            ratio = image["aspectRatio"]
            for side in ("width", "height"):
                if _need(ratio, side, int, f"{at}/aspectRatio") < 1:
                    raise Invalid(f"{at}/aspectRatio/{side} must be at least 1")


def parse_datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
