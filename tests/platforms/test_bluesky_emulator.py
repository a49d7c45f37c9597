"""The emulated PDS is as strict as the lexicons: a wrong record is refused, never stored."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.emulator import Emulator
from tests.emulator.bluesky import APP_PASSWORD, DID, HANDLE
from tests.platforms.conftest import png


def sign_in(emulator: Emulator) -> str:
    body = {"identifier": HANDLE, "password": APP_PASSWORD}
    reply = requests.post(f"{emulator.base_url}/xrpc/com.atproto.server.createSession", json=body)
    return str(reply.json()["accessJwt"])


def upload(emulator: Emulator, token: str, data: bytes = png()) -> dict[str, Any]:
    reply = requests.post(
        f"{emulator.base_url}/xrpc/com.atproto.repo.uploadBlob",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "image/png"},
    )
    return dict(reply.json()["blob"])


def create(emulator: Emulator, token: str, **record: Any) -> requests.Response:
    base = {"$type": "app.bsky.feed.post", "text": "Hi", "createdAt": "2026-12-01T09:00:00Z"}
    return requests.post(
        f"{emulator.base_url}/xrpc/com.atproto.repo.createRecord",
        json={"repo": DID, "collection": "app.bsky.feed.post", "record": base | record},
        headers={"Authorization": f"Bearer {token}"},
    )


def facet(start: int, end: int) -> list[dict[str, Any]]:
    feature = {"$type": "app.bsky.richtext.facet#tag", "tag": "x"}
    return [{"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}]


def images(blob: dict[str, Any]) -> dict[str, Any]:
    return {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": blob}]}


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"text": "x" * 301}, "300 graphemes"),
        ({"createdAt": "yesterday"}, "createdAt"),
        ({"langs": ["en-GB", "cy", "ga", "gd"]}, "3 elements"),
        ({"text": "é #x", "facets": facet(1, 4)}, "cuts a character"),
        ({"text": "#x", "facets": facet(0, 9)}, "outside the text"),
    ],
)
def test_a_record_breaking_the_lexicon_is_refused(
    record: dict[str, Any], why: str, emulator: Emulator
) -> None:
    reply = create(emulator, sign_in(emulator), **record)

    assert reply.status_code == 400 and why in reply.json()["message"]
    assert emulator.bluesky_posts == []


def test_an_embed_must_use_a_blob_this_session_uploaded(emulator: Emulator) -> None:
    blob = upload(emulator, sign_in(emulator))

    reply = create(emulator, sign_in(emulator), embed=images(blob))  # another sign-in

    assert reply.status_code == 400 and reply.json()["error"] == "BlobNotFound"


def test_an_embedded_blob_over_a_million_bytes_is_blob_too_large(emulator: Emulator) -> None:
    token = sign_in(emulator)
    blob = upload(emulator, token, png() + b"\0" * 1_000_000)

    reply = create(emulator, token, embed=images(blob))

    assert reply.status_code == 400 and reply.json()["error"] == "BlobTooLarge"


def test_a_second_record_with_the_same_key_is_a_500_not_a_documented_refusal(
    emulator: Emulator,
) -> None:
    token = sign_in(emulator)
    body = {"repo": DID, "collection": "app.bsky.feed.post", "rkey": "3n3lv272l223e"}
    record = {"text": "a", "createdAt": "2026-12-01T09:00:00Z"}
    url = f"{emulator.base_url}/xrpc/com.atproto.repo.createRecord"
    auth = {"Authorization": f"Bearer {token}"}

    first = requests.post(url, json=body | {"record": record}, headers=auth)
    second = requests.post(url, json=body | {"record": record}, headers=auth)

    assert (first.status_code, second.status_code) == (200, 500)
    assert len(emulator.bluesky_posts) == 1


def test_an_expired_access_token_is_refused_as_expired_token(emulator: Emulator) -> None:
    token = sign_in(emulator)
    emulator.bluesky.expire_access_tokens()

    reply = create(emulator, token)

    assert (reply.status_code, reply.json()["error"]) == (400, "ExpiredToken")
